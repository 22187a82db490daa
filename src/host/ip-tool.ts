/**
 * iproute2's `ip`, and the util-linux helpers that run it inside a network
 * namespace (`unshare --net=FILE`, `nsenter --net=FILE`): the only place
 * Berth spawns them.
 *
 * Cost is the point of this module's shape. Every container start pays for
 * these processes, so callers put several changes into one `ip -batch`
 * process. The batch is written to a private temporary file rather than
 * piped to `ip -batch -`: the daemon's resident spawner (exec-tool's
 * CommandRunner) cannot feed stdin, and a command with stdin falls back to
 * forking berthd itself, which costs 3–12 ms against well under 1 ms.
 *
 * `ip -n NAME` only takes names under /run/netns, which are host-global;
 * Berth's namespaces are files under its exec root, so a batch that must run
 * inside one goes through `nsenter --net=FILE` (which execs ip, no extra fork).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTool, ToolError } from './exec-tool.js';

export const IP = '/usr/sbin/ip';
export const NSENTER = '/usr/bin/nsenter';
export const UNSHARE = '/usr/bin/unshare';

/** Runs `ip ARGS…` and returns its stdout. */
export function ip(args: readonly string[]): Promise<string> {
  return runTool(IP, args);
}

/** Runs `ip -j ARGS…` and parses its JSON (an empty output reads as []). */
export async function ipJson<T = unknown>(args: readonly string[], opts: { netnsFile?: string } = {}): Promise<T> {
  const out = opts.netnsFile === undefined ? await ip(['-j', ...args]) : await runInNetns(opts.netnsFile, [IP, '-j', ...args]);
  return (out.trim() === '' ? [] : JSON.parse(out)) as T;
}

/**
 * Runs several `ip` commands (one per entry, without the leading `ip`) in
 * one process, stopping at the first that fails; inside the network
 * namespace bound at `netnsFile` when given. Words are split on blanks by ip
 * itself, so no entry may hold a newline or a quote.
 */
export async function ipBatch(commands: readonly string[], opts: { netnsFile?: string } = {}): Promise<void> {
  if (commands.length === 0) return;
  for (const c of commands) {
    if (/[\n\r"'\\]/.test(c)) throw new Error(`ip batch command must not contain newlines, quotes or backslashes: ${c}`);
  }
  const file = path.join(tmpdir(), `berth-ip-${process.pid}-${randomBytes(6).toString('hex')}.batch`);
  // 'wx' = O_EXCL: never follow a symlink someone planted in the shared tmp dir.
  await fs.writeFile(file, commands.join('\n') + '\n', { flag: 'wx', mode: 0o600 });
  try {
    if (opts.netnsFile === undefined) await runTool(IP, ['-batch', file]);
    else await runInNetns(opts.netnsFile, [IP, '-batch', file]);
  } finally {
    await fs.unlink(file).catch(() => {});
  }
}

/**
 * Creates a network namespace, binds it at `file` (which must exist), and
 * runs `ip ARGS…` inside it, all in one process: unshare forks a helper that
 * does the bind mount, then execs ip.
 */
export function ipInNewNetns(file: string, args: readonly string[]): Promise<string> {
  return runTool(UNSHARE, [`--net=${file}`, IP, ...args]);
}

/** Runs argv inside the network namespace bound at `file` (the mount namespace stays the caller's). */
export async function runInNetns(file: string, argv: readonly string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  if (argv.length === 0) throw new Error('runInNetns: empty command');
  return runTool(NSENTER, [`--net=${file}`, '--', ...argv], opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {});
}

/** True when an ip failure says the named device does not exist. */
export function isNoSuchDevice(err: unknown): boolean {
  return err instanceof ToolError && /Cannot find device|does not exist|No such device/i.test(err.stderr);
}

/** True when an ip failure says the object already exists (RTNETLINK EEXIST). */
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ToolError && /File exists/i.test(err.stderr);
}
