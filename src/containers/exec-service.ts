/**
 * Exec sessions: a process started inside a running container by its own
 * berth-monitor (nsexec mode: what `runc exec -d` does, see
 * RuncRuntime.exec), which holds its stdio and records its exit code. Sessions are kept in memory (as Docker does): they
 * belong to a running container and are gone when berthd restarts.
 *
 * create (validate, store config) → start (exec plan, monitor; attached
 * starts use --wait-attach so no output is lost) → exit (watch) → inspect.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { BerthError, ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { openAttach, watchExit } from '../runtime/monitor/monitor-client.js';
import { taskPaths, type RuncRuntime, type TaskPaths } from '../runtime/runc-runtime.js';
import { buildExecProcess } from '../runtime/spec/process-spec.js';
import type { OciSpec } from '../runtime/spec/types.js';
import { resolveUser } from '../runtime/user.js';
import { readJsonIfExists } from '../storage/atomic-write.js';
import { removeDirEventually } from '../storage/remove-dir.js';
import { startTrace } from '../storage/trace.js';
import { guards } from './container.js';
import type { ContainerService } from './container-service.js';

export interface ExecConfigWire {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  Env?: string[] | null;
  Cmd?: string[];
  WorkingDir?: string;
  User?: string;
  Privileged?: boolean;
  DetachKeys?: string;
  ConsoleSize?: [number, number] | null;
}

export interface ExecSession {
  id: string;
  containerId: string;
  config: ExecConfigWire;
  running: boolean;
  exitCode: number | null;
  pid: number;
  paths: TaskPaths;
  exited: Promise<number>;
}

export class ExecService {
  readonly #sessions = new Map<string, ExecSession>();

  constructor(
    private readonly containers: ContainerService,
    private readonly runtime: RuncRuntime,
    private readonly execRoot: string,
  ) {}

  /** Exec sessions do not outlive the daemon (as in Docker): drop what a previous run left. */
  async init(): Promise<void> {
    await removeDirEventually(path.join(this.execRoot, 'e'));
  }

  create(containerIdOrName: string, cfg: ExecConfigWire): string {
    const c = this.containers.store.get(containerIdOrName);
    guards.checkExec(c);
    if (!Array.isArray(cfg.Cmd) || cfg.Cmd.length === 0 || cfg.Cmd.some((a) => typeof a !== 'string')) {
      throw new InvalidArgumentError('No exec command specified');
    }
    const id = randomBytes(32).toString('hex');
    const paths = taskPaths(path.join(this.execRoot, 'e', id.slice(0, 24)));
    this.#sessions.set(id, { id, containerId: c.id, config: cfg, running: false, exitCode: null, pid: 0, paths, exited: new Promise(() => {}) });
    this.containers.events.emit('event', { type: 'container', action: `exec_create: ${execLine(cfg.Cmd)}`, id: c.id, execId: id });
    return id;
  }

  get(execId: string): ExecSession {
    const s = this.#sessions.get(execId);
    if (!s) throw new NotFoundError(`No such exec instance: ${execId}`);
    return s;
  }

  /** Throws what start would refuse before it tries (the API answers these before hijacking). */
  checkStartable(execId: string): void {
    this.#startable(execId);
  }

  #startable(execId: string) {
    const s = this.get(execId);
    if (s.running || s.exitCode !== null) throw new ConflictError(`Exec command ${execId} has already run`);
    const c = this.containers.store.get(s.containerId);
    guards.checkExec(c);
    return { s, c };
  }

  /**
   * Starts the process; when attached, returns the monitor connection carrying
   * its stdio. A process that cannot be started fails with Docker's words
   * ("OCI runtime exec failed: …: unknown") and leaves exit code 126.
   */
  async start(execId: string, opts: { detach: boolean; tty?: boolean }): Promise<Socket | undefined> {
    const { s, c } = this.#startable(execId);
    const trace = startTrace(`exec ${execId.slice(0, 12)}`);
    const bundleSpec = await readJsonIfExists<OciSpec>(path.join(this.containers.store.dir(c.id), 'bundle', 'config.json'));
    if (!bundleSpec) throw new ConflictError(`Container ${c.id} is not running`);
    const tty = opts.tty ?? !!s.config.Tty;
    const user = s.config.User ? await resolveUser(this.containers.rootfs.rootfsPath(c), s.config.User) : undefined;
    const proc = buildExecProcess(bundleSpec, {
      args: s.config.Cmd!,
      env: s.config.Env ?? [],
      ...(s.config.WorkingDir ? { cwd: s.config.WorkingDir } : {}),
      ...(user ? { user } : {}),
      tty,
      privileged: !!s.config.Privileged,
      ...(s.config.ConsoleSize && s.config.ConsoleSize[0] > 0 ? { consoleSize: { height: s.config.ConsoleSize[0], width: s.config.ConsoleSize[1] } } : {}),
    });
    trace.step('process');
    const attached = !opts.detach && !!(s.config.AttachStdout || s.config.AttachStderr || s.config.AttachStdin);
    s.running = true;
    try {
      const launched = await this.runtime.exec({ pid: c.state.pid, spec: bundleSpec }, proc, s.paths, {
        tty,
        stdin: !!s.config.AttachStdin && attached,
        stdinOnce: true,
        waitAttach: attached,
      });
      s.pid = launched.pid;
    } catch (err) {
      s.running = false;
      s.exitCode = 126; // as moby: a process that could not be started
      void removeDirEventually(s.paths.dir);
      const detail = err instanceof Error && err.cause instanceof Error ? err.cause.message : (err as Error).message;
      throw new BerthError(`OCI runtime exec failed: ${detail}: unknown`, { cause: err });
    }
    s.exited = watchExit(s.paths.attachSocket, s.paths.exitFile).then(
      async (st) => {
        s.running = false;
        s.exitCode = st.exitCode;
        void removeDirEventually(s.paths.dir);
        this.containers.events.emit('event', { type: 'container', action: 'exec_die', id: c.id, exitCode: st.exitCode, execId: s.id });
        return st.exitCode;
      },
      () => {
        s.running = false;
        s.exitCode = 126;
        return 126;
      },
    );
    this.containers.events.emit('event', { type: 'container', action: `exec_start: ${execLine(s.config.Cmd!)}`, id: c.id, execId: s.id });
    trace.step('nsexec');
    trace.end();
    if (!attached) return undefined;
    return openAttach(s.paths.attachSocket, {
      stdin: !!s.config.AttachStdin,
      stdout: !!s.config.AttachStdout,
      stderr: !!s.config.AttachStderr,
    });
  }

  /** Docker's ExecInspect shape. */
  inspect(execId: string): Record<string, unknown> {
    const s = this.get(execId);
    const [entrypoint, ...args] = s.config.Cmd ?? [];
    return {
      ID: s.id,
      Running: s.running,
      ExitCode: s.exitCode,
      ProcessConfig: { tty: !!s.config.Tty, entrypoint, arguments: args, privileged: !!s.config.Privileged, user: s.config.User ?? '' },
      OpenStdin: !!s.config.AttachStdin,
      OpenStderr: !!s.config.AttachStderr,
      OpenStdout: !!s.config.AttachStdout,
      CanRemove: false,
      ContainerID: s.containerId,
      DetachKeys: '',
      Pid: s.pid,
    };
  }

  /** Drops finished sessions of a removed container. */
  forget(containerId: string): void {
    for (const [id, s] of this.#sessions) if (s.containerId === containerId && !s.running) this.#sessions.delete(id);
  }
}

/** moby's event text for an exec: entrypoint, a space, the arguments ("ls " for a bare `ls`). */
function execLine(cmd: readonly string[]): string {
  return `${cmd[0] ?? ''} ${cmd.slice(1).join(' ')}`;
}
