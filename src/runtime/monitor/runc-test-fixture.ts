/**
 * Test-only: a throwaway runc world for the monitor tests. One fixture per
 * test: a temp dir (short, for unix socket paths), a busybox rootfs copied
 * from the host, a private runc --root, and a cleanup registered on the test
 * that deletes every container, kills every monitor started under the temp
 * dir, and removes the dirs, even when the test failed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import type * as net from 'node:net';
import { FrameDecoder } from './stream-frames.js';
import { monitorBinaryPath, type MonitorLaunchOptions } from './monitor-client.js';

const run = promisify(execFile);
export const RUNC = '/usr/sbin/runc';
const BUSYBOX_APPLETS = ['sh', 'echo', 'cat', 'sleep', 'printf', 'head', 'tr', 'stty', 'seq', 'true', 'kill'];

export interface ProcessSpec {
  args: string[];
  terminal?: boolean;
}

export interface ContainerPaths {
  bundle: string;
  attachSocket: string;
  exitFile: string;
  pidFile: string;
  logPath: string;
  consoleSocket: string;
}

export interface RuncFixture {
  dir: string;
  root: string;
  runc(...args: string[]): Promise<string>;
  /** A fresh container id, deleted with `runc delete -f` at cleanup. */
  newId(): string;
  /** Writes bundle <dir>/<id>/config.json and returns the paths a monitor of it uses. */
  writeBundle(id: string, proc: ProcessSpec): Promise<ContainerPaths>;
  /** Options to launch a monitor running `runc create` for the bundle. */
  createOptions(id: string, paths: ContainerPaths, extra?: Partial<MonitorLaunchOptions>): MonitorLaunchOptions;
}

function processJson(proc: ProcessSpec) {
  return {
    terminal: proc.terminal ?? false,
    user: { uid: 0, gid: 0 },
    args: proc.args,
    env: ['PATH=/bin', 'TERM=xterm'],
    cwd: '/',
    capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
    noNewPrivileges: true,
  };
}

function configJson(rootfs: string, id: string, proc: ProcessSpec) {
  return {
    ociVersion: '1.0.2',
    process: processJson(proc),
    root: { path: rootfs, readonly: false },
    hostname: 'monitor-test',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'ipc' }, { type: 'uts' }, { type: 'network' }],
      cgroupsPath: `/berth-test/${id}`,
    },
  };
}

/** process.json for `runc exec --process`. */
export function execProcessJson(proc: ProcessSpec): string {
  return JSON.stringify(processJson(proc));
}

async function killMonitorsUnder(dir: string): Promise<void> {
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await fs.readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('berth-monitor') && cmdline.includes(dir)) {
      try {
        process.kill(Number(name), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

export async function createRuncFixture(t: TestContext): Promise<RuncFixture> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bm-'));
  const root = `/run/berth-test-${randomBytes(4).toString('hex')}`;
  const rootfs = path.join(dir, 'rootfs');
  const ids: string[] = [];
  t.after(async () => {
    for (const id of ids) await run(RUNC, ['--root', root, 'delete', '-f', id]).catch(() => undefined);
    await killMonitorsUnder(dir);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rm(root, { recursive: true, force: true });
    for (const ctl of await fs.readdir('/sys/fs/cgroup').catch(() => [] as string[])) {
      await fs.rmdir(`/sys/fs/cgroup/${ctl}/berth-test`).catch(() => undefined); // shared parent, may be busy
    }
  });
  for (const sub of ['bin', 'proc', 'dev', 'sys', 'tmp']) await fs.mkdir(path.join(rootfs, sub), { recursive: true });
  await fs.copyFile('/bin/busybox', path.join(rootfs, 'bin/busybox'));
  await fs.chmod(path.join(rootfs, 'bin/busybox'), 0o755);
  for (const applet of BUSYBOX_APPLETS) await fs.symlink('busybox', path.join(rootfs, 'bin', applet));

  return {
    dir,
    root,
    async runc(...args) {
      return (await run(RUNC, ['--root', root, ...args])).stdout;
    },
    newId() {
      const id = `bm-${randomBytes(5).toString('hex')}`;
      ids.push(id);
      return id;
    },
    async writeBundle(id, proc) {
      const bundle = path.join(dir, id);
      await fs.mkdir(bundle, { recursive: true });
      await fs.writeFile(path.join(bundle, 'config.json'), JSON.stringify(configJson(rootfs, id, proc)));
      return {
        bundle,
        attachSocket: path.join(bundle, 'attach.sock'),
        exitFile: path.join(bundle, 'exit.json'),
        pidFile: path.join(bundle, 'init.pid'),
        logPath: path.join(bundle, 'container.log'),
        consoleSocket: path.join(bundle, 'console.sock'),
      };
    },
    createOptions(id, paths, extra = {}) {
      const argv = [RUNC, '--root', root, 'create', '--bundle', paths.bundle, '--pid-file', paths.pidFile];
      if (extra.consoleSocket) argv.push('--console-socket', extra.consoleSocket);
      argv.push(id);
      return {
        monitorPath: monitorBinaryPath(),
        runtimeArgv: argv,
        attachSocket: paths.attachSocket,
        exitFile: paths.exitFile,
        pidFile: paths.pidFile,
        logPath: paths.logPath,
        ...extra,
      };
    },
  };
}

export interface LogRecord {
  log: string;
  stream: string;
  time: string;
}

export async function readLog(file: string): Promise<LogRecord[]> {
  const text = await fs.readFile(file, 'utf8');
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as LogRecord);
}

/** Everything an ATTACH connection receives until the monitor closes it, demultiplexed. */
export function collectFrames(sock: net.Socket): Promise<{ stdout: string; stderr: string; order: string[] }> {
  const decoder = new FrameDecoder();
  const out = { stdout: '', stderr: '', order: [] as string[] };
  return new Promise((resolve, reject) => {
    sock.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) {
        const name = f.stream === 2 ? 'stderr' : 'stdout';
        out[name] += f.data.toString('utf8');
        out.order.push(name);
      }
    });
    sock.once('error', reject);
    sock.once('close', () => resolve(out));
  });
}

/** Raw bytes (tty mode) until the monitor closes the connection. */
export function collectRaw(sock: net.Socket): Promise<string> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.once('error', reject);
    sock.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The parent pid of a live process, from /proc. */
export async function parentPid(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** True while pid runs (a zombie waiting for init to reap it counts as gone). */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}
