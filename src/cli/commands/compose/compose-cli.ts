/**
 * ComposeCli: what every `berth compose <verb>` gets — the project flags
 * given to `compose` (-f, -p, --project-directory, --env-file, --profile),
 * the loaded project, and a ComposeBackend that drives berthd with the CLI's
 * Engine API client, builds with `berth build`'s context packing and pulls
 * with `berth pull`'s credentials.
 *
 * Lifecycle: built by newComposeCommand() around the `compose` command →
 * a verb's action calls load() (the files are read only then, so `--help`
 * needs none) and backend() → the CLI closes the client at exit.
 */
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { NotFoundError } from '../../../errors.js';
import type { ComposeBackend } from '../../../compose/backend.js';
import { loadProject } from '../../../compose/loader.js';
import type { ComposeProject, ProjectOptions, ServiceConfig } from '../../../compose/types.js';
import { BerthCli } from '../../cli-context.js';
import type { BerthCommand } from '../command.js';

/** The flags of `berth compose` itself, shared by every verb. */
export interface ComposeGlobalFlags {
  file?: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile?: string[];
  profile?: string[];
}

export class ComposeCli {
  readonly cli: BerthCli;
  readonly #group: BerthCommand;
  #verb: ComposeGlobalFlags = {};

  constructor(cli: BerthCli, group: BerthCommand) {
    this.cli = cli;
    this.#group = group;
  }

  /** Called before a verb runs with its own options (which may repeat the project flags). */
  setVerbFlags(opts: Record<string, unknown>): void {
    this.#verb = opts as ComposeGlobalFlags;
  }

  /** The project flags: given to `compose`, and after the verb (lists add up, a later value wins). */
  get flags(): ComposeGlobalFlags {
    const g = this.#group.opts<ComposeGlobalFlags>();
    const v = this.#verb;
    const list = (a: string[] | undefined, b: string[] | undefined): string[] | undefined => (a === undefined && b === undefined ? undefined : [...(a ?? []), ...(b ?? [])]);
    const out: ComposeGlobalFlags = {};
    const file = list(g.file, v.file);
    if (file !== undefined) out.file = file;
    const envFile = list(g.envFile, v.envFile);
    if (envFile !== undefined) out.envFile = envFile;
    const profile = list(g.profile, v.profile);
    if (profile !== undefined) out.profile = profile;
    const name = v.projectName ?? g.projectName;
    if (name !== undefined) out.projectName = name;
    const dir = v.projectDirectory ?? g.projectDirectory;
    if (dir !== undefined) out.projectDirectory = dir;
    return out;
  }

  projectOptions(services: string[] = []): ProjectOptions {
    const f = this.flags;
    return {
      files: f.file ?? [],
      ...(f.projectName !== undefined ? { projectName: f.projectName } : {}),
      ...(f.projectDirectory !== undefined ? { projectDirectory: f.projectDirectory } : {}),
      envFiles: f.envFile ?? [],
      profiles: (f.profile ?? []).flatMap((p) => p.split(',')).filter((p) => p !== ''),
      services,
    };
  }

  /** Reads the compose files; warnings go to stderr. */
  load(services: string[] = []): ComposeProject {
    const { project, warnings } = loadProject(this.projectOptions(services));
    for (const w of warnings) this.cli.eprintln(`WARN[0000] ${w}`);
    return project;
  }

  /**
   * The project, or just its name when there is no compose file but -p was
   * given (`down -p NAME`, `ps -p NAME` work from labels alone).
   */
  loadOrName(): { name: string; project?: ComposeProject } {
    try {
      const project = this.load();
      return { name: project.name, project };
    } catch (err) {
      const name = this.flags.projectName;
      if (err instanceof NotFoundError && name !== undefined && (this.flags.file ?? []).length === 0) return { name };
      throw err;
    }
  }

  /** `quiet`: no progress lines and quiet builds; `quietPull`: quiet pulls only. */
  backend(options: { quiet?: boolean; quietPull?: boolean } = {}): ComposeBackend {
    const cli = this.cli;
    // Build and pull output goes to stderr, like every progress line, so stdout stays the command's own.
    const toErr = new BerthCli({ out: cli.err as Writable, err: cli.err }, cli.host);
    return {
      client: cli.client,
      images: {
        // Build and pull are loaded when used: most verbs (and an `up` with its images present) need neither.
        build: async (project: ComposeProject, s: ServiceConfig, tag: string) => {
          const { runBuild } = await import('../image/build.js');
          const b = s.build!;
          const buildArgs: Record<string, string> = {};
          for (const [k, v] of Object.entries(b.args ?? {})) {
            const value = v ?? project.environment[k];
            if (value !== undefined) buildArgs[k] = value;
          }
          return runBuild(toErr, {
            context: b.context,
            tags: [tag],
            ...(b.dockerfile !== undefined ? { file: path.resolve(b.context, b.dockerfile) } : {}),
            buildArgs,
            labels: b.labels ?? {},
            ...(b.target !== undefined ? { target: b.target } : {}),
            noCache: b.no_cache === true,
            pull: b.pull === true,
            rm: true,
            forceRm: false,
            quiet: options.quiet === true,
            explain: false,
          });
        },
        pull: async (image: string) => {
          const { runPull } = await import('../image/pull.js');
          await runPull(toErr, { image, quiet: options.quiet === true || options.quietPull === true });
        },
      },
      progress: (resource, status) => {
        if (options.quiet !== true) cli.eprintln(` ${resource}  ${status}`);
      },
      warn: (message) => cli.eprintln(`WARN[0000] ${message}`),
    };
  }
}
