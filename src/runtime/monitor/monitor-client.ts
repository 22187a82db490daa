/**
 * Launching berth-monitor, the per-container (or per-exec) supervisor that
 * outlives berthd. See docs/runtime-monitor.md for the protocol.
 *
 * Lifecycle of one monitor, as seen from here:
 *   launchMonitor()  spawns it with a pipe on fd 3; the spawned process forks
 *                    a daemon and exits at once; the daemon runs the runtime
 *                    command (runc create / runc exec -d) and writes
 *                    {"pid","monitorPid"} or {"error"} on fd 3, then closes it.
 *   openAttach() / resizeTty() / closeStdin()  talk to its attach socket
 *                    while the process runs (see attach-client.ts).
 *   watchExit()      resolves with the exit status once the process is gone;
 *                    readExitFile() reads the same status after a restart of
 *                    berthd, when the monitor itself may be long gone.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { BerthError } from '../../errors.js';
import { runtimeFailure } from './runtime-error.js';
import type { Spawner } from './spawner-client.js';

export { watchExit, openAttach, resizeTty, closeStdin, monitorAlive } from './attach-client.js';
export { readExitFile, parseExitStatus, type ExitStatus } from './exit-status.js';
export { Spawner, SpawnError, type SpawnOptions, type SpawnResult } from './spawner-client.js';

/** Everything one monitor needs; paths are absolute (unix socket paths ≤ 107 bytes). */
export interface MonitorLaunchOptions {
  /** The berth-monitor binary; see monitorBinaryPath(). */
  monitorPath: string;
  /** The full runtime command, e.g. [runc, --root, R, create, --bundle, B, --pid-file, P, ID]. */
  runtimeArgv: string[];
  /** Where the monitor listens for ATTACH / WATCH / CTL clients. */
  attachSocket: string;
  /** Where the monitor writes the ExitStatus JSON when the process is gone. */
  exitFile: string;
  /** The pid file the runtime command writes (the same path as in runtimeArgv). */
  pidFile: string;
  /** Docker json-file log; omitted for exec sessions. */
  logPath?: string;
  /** TTY mode: the monitor listens here for the runtime to send the pty master. */
  consoleSocket?: string;
  /** Give the process a stdin pipe (non-tty) / forward attach input to the pty. */
  stdin?: boolean;
  /** Close the process's stdin when the first stdin-attached client goes away. */
  stdinOnce?: boolean;
  /** Hold output until the first ATTACH client arrives (exec; 30 s at most). */
  waitAttach?: boolean;
  /** Launch through this helper instead of forking the caller (spawner-client.ts). */
  spawner?: Spawner;
}

export interface LaunchResult {
  /** The container (or exec) process, as written by the runtime into pidFile. */
  pid: number;
  /** The daemonised monitor; not a child of the caller. */
  monitorPid: number;
}

/** dist/bin/berth-monitor, found from this module's place in dist/src/runtime/monitor/. */
export function monitorBinaryPath(): string {
  return fileURLToPath(new URL('../../../bin/berth-monitor', import.meta.url));
}

export function monitorArgs(opts: MonitorLaunchOptions): string[] {
  const args = ['--attach-socket', opts.attachSocket, '--exit-file', opts.exitFile, '--pid-file', opts.pidFile];
  if (opts.logPath !== undefined) args.push('--log-path', opts.logPath);
  if (opts.consoleSocket !== undefined) args.push('--console-socket', opts.consoleSocket);
  if (opts.stdin) args.push('--stdin');
  if (opts.stdinOnce) args.push('--stdin-once');
  if (opts.waitAttach) args.push('--wait-attach');
  args.push('--sync-fd', '3', '--', ...opts.runtimeArgv);
  return args;
}

interface SyncReport {
  pid?: unknown;
  monitorPid?: unknown;
  error?: unknown;
}

/**
 * Starts a monitor and waits for its report: resolves once the runtime
 * command succeeded (the process exists), throws the runtime's error
 * otherwise. Event driven: it ends when the report pipe reaches EOF.
 */
export async function launchMonitor(opts: MonitorLaunchOptions): Promise<LaunchResult> {
  const { code, text, detail } = opts.spawner ? await launchThrough(opts.spawner, opts) : await launchDirect(opts);
  if (text === '') {
    throw new BerthError(`monitor exited with status ${code} without a report${detail ? `: ${detail}` : ''}`);
  }
  let report: SyncReport;
  try {
    report = JSON.parse(text) as SyncReport;
  } catch (err) {
    throw new BerthError(`monitor sent an unreadable report: ${text}`, { cause: err });
  }
  if (typeof report.error === 'string') throw runtimeFailure(report.error);
  if (typeof report.pid !== 'number' || typeof report.monitorPid !== 'number') {
    throw new BerthError(`monitor sent an unexpected report: ${text}`);
  }
  return { pid: report.pid, monitorPid: report.monitorPid };
}

interface LaunchOutput {
  code: number | null;
  /** What the monitor wrote on the sync fd. */
  text: string;
  /** Its stderr (usage errors before it could report). */
  detail: string;
}

/** Forks this process to start the monitor (tests, tools: anything without a Spawner). */
async function launchDirect(opts: MonitorLaunchOptions): Promise<LaunchOutput> {
  const child = spawn(opts.monitorPath, monitorArgs(opts), { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const sync: Buffer[] = [];
  const stderr: Buffer[] = [];
  (child.stdio[3] as Readable).on('data', (b: Buffer) => sync.push(b));
  child.stderr!.on('data', (b: Buffer) => stderr.push(b));
  // 'close' comes after the launcher exited and every pipe reached EOF,
  // i.e. after the daemonised monitor closed the sync fd.
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => reject(new BerthError(`start monitor ${opts.monitorPath}: ${err.message}`, { cause: err })));
    child.once('close', (status) => resolve(status));
  });
  return { code, text: Buffer.concat(sync).toString('utf8').trim(), detail: Buffer.concat(stderr).toString('utf8').trim() };
}

/** The same through the spawner, which also waits for the sync fd's EOF before it answers. */
async function launchThrough(spawner: Spawner, opts: MonitorLaunchOptions): Promise<LaunchOutput> {
  let r;
  try {
    r = await spawner.run([opts.monitorPath, ...monitorArgs(opts)], { captureFd3: true });
  } catch (err) {
    throw new BerthError(`start monitor ${opts.monitorPath}: ${(err as Error).message}`, { cause: err });
  }
  return { code: r.code, text: r.fd3.trim(), detail: r.stderr.trim() };
}
