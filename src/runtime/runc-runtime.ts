/**
 * The OCI runtime boundary: runc, driven through its CLI.
 *
 * A task (a container's init, or an exec'd process) is started through
 * berth-monitor, which runs `runc run -d` (or, for exec, joins the container
 * itself: see exec()), then owns the
 * process's stdio, logs and exit status for as long as it lives — whether or
 * not berthd is running. Everything else (kill, pause, delete) is a plain
 * runc call.
 *
 * Monitors and runc calls are started through one resident helper
 * (`berth-monitor --spawner`, spawner-client.ts) rather than by forking
 * berthd, whose fork time grows with its memory and blocks its event loop.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConflictError, NotFoundError } from '../errors.js';
import { ToolError } from '../host/exec-tool.js';
import { launchMonitor, monitorBinaryPath, Spawner, SpawnError, type LaunchResult } from './monitor/monitor-client.js';
import { runtimeMessage } from './monitor/runtime-error.js';
import { hostCgroupLayout } from '../host/cgroups.js';
import { encodeExecPlan, type ExecTarget } from './exec-plan.js';
import type { OciProcess } from './spec/types.js';

/** Files of one task under the runtime state dir (short paths: unix sockets allow 108 bytes). */
export interface TaskPaths {
  dir: string;
  attachSocket: string;
  exitFile: string;
  pidFile: string;
  consoleSocket: string;
}

export function taskPaths(dir: string): TaskPaths {
  return {
    dir,
    attachSocket: path.join(dir, 'attach.sock'),
    exitFile: path.join(dir, 'exit.json'),
    pidFile: path.join(dir, 'init.pid'),
    consoleSocket: path.join(dir, 'console.sock'),
  };
}

export interface TaskIO {
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  logPath?: string;
  waitAttach?: boolean;
}

/**
 * New cgroup limits for a running task (`runc update`); unset fields keep
 * their value. memorySwap and pidsLimit take -1 for unlimited.
 */
export interface ResourceUpdate {
  memory?: number;
  memorySwap?: number;
  memoryReservation?: number;
  cpuShares?: number;
  cpuPeriod?: number;
  cpuQuota?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number;
  blkioWeight?: number;
}

const UPDATE_FLAGS: ReadonlyArray<[keyof ResourceUpdate, string]> = [
  ['memory', '--memory'],
  ['memorySwap', '--memory-swap'],
  ['memoryReservation', '--memory-reservation'],
  ['cpuShares', '--cpu-share'],
  ['cpuPeriod', '--cpu-period'],
  ['cpuQuota', '--cpu-quota'],
  ['cpusetCpus', '--cpuset-cpus'],
  ['cpusetMems', '--cpuset-mems'],
  ['pidsLimit', '--pids-limit'],
  ['blkioWeight', '--blkio-weight'],
];

export interface RuntimeState {
  status: 'created' | 'running' | 'paused' | 'stopped' | string;
  pid: number;
}

export class RuncRuntime {
  readonly #runc: string;
  readonly #root: string;
  readonly #monitor: string;
  readonly #spawner: Spawner;

  constructor(opts: { runcPath: string; stateRoot: string; monitorPath?: string }) {
    this.#runc = opts.runcPath;
    this.#root = opts.stateRoot;
    this.#monitor = opts.monitorPath ?? monitorBinaryPath();
    this.#spawner = new Spawner(this.#monitor);
  }

  async init(): Promise<void> {
    await fs.mkdir(this.#root, { recursive: true, mode: 0o700 });
  }

  #argv(...args: string[]): string[] {
    return [this.#runc, '--root', this.#root, ...args];
  }

  /**
   * Creates and starts the container's init under a new monitor, in one runc
   * call (`runc run --detach`: one process spawn fewer than create + start).
   * Attach clients that must see the first byte are served with
   * io.waitAttach: the monitor holds the output until the first one connects.
   */
  async run(id: string, bundle: string, paths: TaskPaths, io: TaskIO): Promise<LaunchResult> {
    await fs.mkdir(paths.dir, { recursive: true, mode: 0o700 });
    await fs.rm(paths.exitFile, { force: true });
    // A crash between `runc create` and the record being saved leaves runc state
    // behind; checking its directory is far cheaper than an unconditional delete.
    if (await exists(path.join(this.#root, id))) await this.delete(id, true);
    const argv = this.#argv('run', '--detach', '--bundle', bundle, '--pid-file', paths.pidFile);
    if (io.tty) argv.push('--console-socket', paths.consoleSocket);
    argv.push(id);
    return this.#launch(argv, paths, io);
  }

  /**
   * Starts a process in a running container under its own monitor. Not
   * through `runc exec` (exec is no OCI runtime operation; runc's costs ~25 ms
   * in two Go start-ups and a copy of its binary) but through the monitor's
   * nsexec mode, which joins the init's namespaces and cgroups as runc does
   * (src/runtime/monitor/nsexec.c) in about a millisecond.
   */
  async exec(target: ExecTarget, proc: OciProcess, paths: TaskPaths, io: TaskIO): Promise<LaunchResult> {
    await fs.mkdir(paths.dir, { recursive: true, mode: 0o700 });
    const plan = encodeExecPlan(target, { ...proc, terminal: io.tty }, { pidFile: paths.pidFile, ...(io.tty ? { consoleSocket: paths.consoleSocket } : {}) }, hostCgroupLayout());
    const planFile = path.join(paths.dir, 'exec.plan');
    await fs.writeFile(planFile, plan, { mode: 0o600 });
    return this.#launch([this.#monitor, '--nsexec', planFile], paths, io);
  }

  /** One monitor per task: it runs the runc command and then owns the task's stdio and exit. */
  #launch(runtimeArgv: string[], paths: TaskPaths, io: TaskIO): Promise<LaunchResult> {
    return launchMonitor({
      monitorPath: this.#monitor,
      runtimeArgv,
      attachSocket: paths.attachSocket,
      exitFile: paths.exitFile,
      pidFile: paths.pidFile,
      ...(io.logPath ? { logPath: io.logPath } : {}),
      ...(io.tty ? { consoleSocket: paths.consoleSocket } : {}),
      stdin: io.stdin,
      stdinOnce: io.stdinOnce,
      waitAttach: io.waitAttach ?? false,
      spawner: this.#spawner,
    });
  }

  async kill(id: string, signal: number, all = false): Promise<void> {
    await this.#run('kill', ...(all ? ['--all'] : []), id, String(signal));
  }

  /** Changes a running or paused task's cgroup limits in place; runc orders the memory/swap writes the kernel accepts. */
  async update(id: string, r: ResourceUpdate): Promise<void> {
    const args: string[] = [];
    for (const [key, flag] of UPDATE_FLAGS) {
      const v = r[key];
      if (v !== undefined) args.push(`${flag}=${v}`);
    }
    if (args.length > 0) await this.#run('update', ...args, id);
  }

  async pause(id: string): Promise<void> {
    await this.#run('pause', id);
  }

  async resume(id: string): Promise<void> {
    await this.#run('resume', id);
  }

  async delete(id: string, force = false): Promise<void> {
    try {
      await this.#run('delete', ...(force ? ['--force'] : []), id);
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
  }

  async state(id: string): Promise<RuntimeState | undefined> {
    try {
      const out = await this.#run('state', id);
      const s = JSON.parse(out) as { status: string; pid: number };
      return { status: s.status, pid: s.pid };
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** The resident command helper, shared with src/host's tools by the composition root. */
  get spawner(): Spawner {
    return this.#spawner;
  }

  /** Stops the command helper (it also stops by itself when this process exits). */
  close(): void {
    this.#spawner.close();
  }

  async #run(...args: string[]): Promise<string> {
    const argv = this.#argv(...args);
    let failure: ToolError;
    try {
      const r = await this.#spawner.run(argv, { timeoutMs: 30_000 });
      if (r.code === 0) return r.stdout;
      failure = new ToolError(argv[0]!, r.code, r.stderr || (r.signal ? `killed by signal ${r.signal}` : ''));
    } catch (err) {
      if (err instanceof SpawnError) throw new Error(`runc ${args[0]} failed: ${err.message}`, { cause: err });
      throw err;
    }
    const msg = runtimeMessage(failure.stderr);
    if (/does not exist|not found/i.test(msg)) throw new NotFoundError(`runtime: ${msg}`, { cause: failure });
    if (/not running|is not paused|is paused|is stopped|cannot/.test(msg)) throw new ConflictError(`runtime: ${msg}`, { cause: failure });
    throw new Error(`runc ${args[0]} failed: ${msg}`, { cause: failure });
  }
}

export type { OciProcess };

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
