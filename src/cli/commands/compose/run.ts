/**
 * `berth compose run SERVICE [COMMAND] [ARG...]`: a one-off container of a
 * service (labelled oneoff=True, named `<project>-<service>-run-<id>`),
 * with its dependencies brought up first unless --no-deps. Ports are not
 * published unless --service-ports. Attached like `berth run`; --rm removes
 * it when it exits; the CLI exits with its status.
 */
import { InvalidArgumentError } from '../../../errors.js';
import type { ContainerCreateBody } from '../../client/types.js';
import { serviceConfigHash } from '../../../compose/config-hash.js';
import { createBody, replicaName } from '../../../compose/container-spec.js';
import { ensureImages, up } from '../../../compose/converge.js';
import { ensureNetworks, ensureVolumes, resourcesOf } from '../../../compose/project-resources.js';
import type { ComposeProject } from '../../../compose/types.js';
import { BerthCommand, minArgs } from '../command.js';
import type { AttachPlan } from '../container/attached-session.js';
import { resolveEnvFlag } from '../container/env-file.js';
import { listOption } from '../flags.js';
import type { ComposeCli } from './compose-cli.js';
import { splitShellWords } from '../../../compose/shell-words.js';

export interface ComposeRunFlags {
  detach?: boolean;
  rm?: boolean;
  name?: string;
  entrypoint?: string;
  env?: string[];
  label?: string[];
  user?: string;
  workdir?: string;
  deps?: boolean;
  tty?: boolean;
  servicePorts?: boolean;
}

export function newComposeRunCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('run')
    .use('run [OPTIONS] SERVICE [COMMAND] [ARGS...]')
    .description('Run a one-off command on a service')
    .passThroughOptions()
    .option('-d, --detach', 'Run container in background and print container ID')
    .option('--entrypoint <string>', 'Override the entrypoint of the image')
    .addOption(listOption('-e, --env <stringArray>', 'Set environment variables'))
    .addOption(listOption('-l, --label <stringArray>', 'Add or override a label'))
    .option('--name <string>', 'Assign a name to the container')
    .option('--no-deps', "Don't start linked services")
    .option('--rm', 'Automatically remove the container when it exits')
    .option('--service-ports', "Run command with all service's ports enabled and mapped to the host")
    .option('-T, --no-tty', 'Disable pseudo-TTY allocation (default: auto-detected)')
    .option('-u, --user <string>', 'Run as specified username or uid')
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .run<ComposeRunFlags>(minArgs(1), (args, f) => runComposeRun(c, args[0]!, args.slice(1), f));
}

/** The one-off container's create body: the service's, with the run flags over it. */
export function oneOffBody(project: ComposeProject, service: string, command: string[], f: ComposeRunFlags, stdinIsTty: boolean): ContainerCreateBody {
  const s = project.services[service]!;
  const body = createBody({ project, service: s, number: 1, configHash: serviceConfigHash(s), oneoff: true });
  if (command.length > 0) body.Cmd = command;
  if (f.entrypoint !== undefined) body.Entrypoint = splitShellWords(f.entrypoint, '--entrypoint');
  body.Env = [...(body.Env ?? []), ...(f.env ?? []).map((e) => resolveEnvFlag(e, (k) => process.env[k]))];
  for (const l of f.label ?? []) {
    const eq = l.indexOf('=');
    body.Labels![eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  if (f.user !== undefined) body.User = f.user;
  if (f.workdir !== undefined) body.WorkingDir = f.workdir;
  if (f.servicePorts !== true) body.HostConfig.PortBindings = {};
  const attached = f.detach !== true;
  body.Tty = f.tty !== false && stdinIsTty && attached;
  body.AttachStdin = attached;
  body.AttachStdout = attached;
  body.AttachStderr = attached;
  body.OpenStdin = attached;
  body.StdinOnce = attached;
  if (f.rm === true) body.HostConfig.AutoRemove = true;
  return body;
}

export async function runComposeRun(c: ComposeCli, service: string, command: string[], f: ComposeRunFlags): Promise<void> {
  const project = c.load([service]);
  const s = project.services[service];
  if (s === undefined) throw new InvalidArgumentError(`no such service: ${service}`);
  const backend = c.backend();
  const deps = Object.keys(s.depends_on ?? {}).filter((d) => project.services[d] !== undefined);
  if (f.deps !== false && deps.length > 0) await up(backend, project, { services: deps });
  await ensureImages(backend, project, [service]);
  const used = resourcesOf([s]);
  await ensureNetworks(backend, project, used.networks);
  await ensureVolumes(backend, project, used.volumes);

  const cli = c.cli;
  const body = oneOffBody(project, service, command, f, cli.in.isTTY === true);
  const { Id } = await cli.client.containers.create(body, f.name ?? replicaName(project, s, 1, true));
  if (f.detach === true) {
    await cli.client.containers.start(Id);
    cli.println(Id);
    return;
  }
  const plan: AttachPlan = { stdin: true, stdout: true, stderr: true, tty: body.Tty === true };
  const { finishAttached, openAttached } = await import('../container/attached-session.js');
  const session = await openAttached(cli, Id, plan);
  const wait = cli.client.containers.wait(Id, f.rm === true ? 'removed' : 'next-exit');
  try {
    await wait.accepted;
    await cli.client.containers.start(Id);
  } catch (err) {
    session.close();
    throw err;
  }
  await finishAttached(cli, session, wait, plan, (h, w) => cli.client.containers.resize(Id, h, w));
}
