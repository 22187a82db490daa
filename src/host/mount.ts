/**
 * Mounting and unmounting through util-linux `mount`/`umount`, and reading
 * the mount table (/proc/self/mountinfo).
 *
 * A MountSpec is containerd's mount.Mount: what a snapshotter hands out and
 * what `mountAll` puts at a target. Bind mounts are `{ type: 'bind', options:
 * ['rbind', 'ro'|'rw'] }` (util-linux does the read-only remount itself);
 * overlays are `{ type: 'overlay', source: 'overlay', options: ['lowerdir=…',
 * 'upperdir=…', 'workdir=…'] }`.
 *
 * mount(2) copies its option string into one page (4096 bytes), which caps
 * how many absolute lowerdir paths fit. When the options are too long we do
 * what containerd and Docker do: run `mount` with its working directory at
 * the lowerdirs' common parent and pass them relative to it. With
 * snapshotter ids of up to five digits ("12345/fs" is 8 bytes + ":") that
 * fits about 400 layers; the kernel's own limit is 500 (OVL_MAX_STACK).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isErrno } from '../errors.js';
import { runTool, ToolError } from './exec-tool.js';

export interface MountSpec {
  type: string;
  source: string;
  options: string[];
}

/** One line of /proc/self/mountinfo, the fields Berth needs. */
export interface MountInfo {
  mountPoint: string;
  /** Path inside the mounted filesystem that is the root of this mount (bind mounts). */
  root: string;
  fsType: string;
  source: string;
  superOptions: string[];
}

const PAGE_LIMIT = 4095; // mount(2) data is one page, NUL-terminated

/** Mounts one spec at target (the target must exist). */
export async function mount(spec: MountSpec, target: string): Promise<void> {
  let options = spec.options;
  let cwd: string | undefined;
  if (spec.type === 'overlay' && options.join(',').length > PAGE_LIMIT) {
    ({ options, cwd } = compactLowerdirs(options));
  }
  const args = ['-t', spec.type === 'bind' ? 'none' : spec.type];
  const opts = spec.type === 'bind' && !options.some((o) => o === 'bind' || o === 'rbind') ? ['rbind', ...options] : options;
  if (opts.length > 0) args.push('-o', opts.join(','));
  args.push(spec.source, target);
  try {
    await runTool('mount', args, { cwd });
  } catch (err) {
    throw new Error(`mount ${spec.type} at ${target}: ${describe(err)}`, { cause: err });
  }
}

/** Mounts every spec at target in order (containerd's mount.All). */
export async function mountAll(mounts: readonly MountSpec[], target: string): Promise<void> {
  for (const m of mounts) await mount(m, target);
}

/**
 * Unmounts the topmost mount at target. A target that is not a mount point
 * fails with code EINVAL (like umount(2)); a missing one with ENOENT.
 * `detach` is umount -l: the mount vanishes now, the kernel frees it when unused.
 */
export async function unmount(target: string, opts: { detach?: boolean } = {}): Promise<void> {
  const args = opts.detach ? ['-l', target] : [target];
  try {
    await runTool('umount', args);
  } catch (err) {
    const msg = describe(err);
    const code = /not mounted|not a mount point/i.test(msg) ? 'EINVAL' : /no such file/i.test(msg) ? 'ENOENT' : undefined;
    throw Object.assign(new Error(`unmount ${target}: ${msg}`, { cause: err }), code ? { code } : {});
  }
}

/** Unmounts everything stacked at or beneath dir, deepest first; returns how many. */
export async function unmountTree(dir: string, opts: { detach?: boolean } = {}): Promise<number> {
  const points = await mountPointsUnder(dir);
  for (const p of points) await unmount(p, opts);
  return points.length;
}

export async function isMountPoint(target: string): Promise<boolean> {
  let real: string;
  try {
    real = await fs.realpath(target);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
  return (await listMounts()).some((m) => m.mountPoint === real);
}

/** Mount points at or beneath dir (one entry per stacked mount), deepest first. */
export async function mountPointsUnder(dir: string): Promise<string[]> {
  let real: string;
  try {
    real = await fs.realpath(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
  const prefix = real.endsWith('/') ? real : real + '/';
  return (await listMounts())
    .map((m) => m.mountPoint)
    .filter((p) => p === real || p.startsWith(prefix))
    .reverse();
}

export async function listMounts(): Promise<MountInfo[]> {
  const text = await fs.readFile('/proc/self/mountinfo', 'utf8');
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    // id parent maj:min root mount-point mount-options [optional…] - fstype source super-options
    const fields = line.split(' ');
    const sep = fields.indexOf('-', 6);
    if (sep < 0) continue;
    out.push({
      root: unescapeOctal(fields[3]!),
      mountPoint: unescapeOctal(fields[4]!),
      fsType: fields[sep + 1]!,
      source: unescapeOctal(fields[sep + 2] ?? ''),
      superOptions: (fields[sep + 3] ?? '').split(','),
    });
  }
  return out;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescapeOctal(s: string): string {
  return s.includes('\\') ? s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) : s;
}

/** Rewrites lowerdir=… relative to the lowerdirs' common parent, returned as cwd. */
function compactLowerdirs(options: string[]): { options: string[]; cwd: string } {
  const idx = options.findIndex((o) => o.startsWith('lowerdir='));
  if (idx < 0) return { options, cwd: '/' };
  const dirs = options[idx]!.slice('lowerdir='.length).split(':');
  let common = path.dirname(dirs[0]!);
  for (const d of dirs) {
    while (common !== '/' && !d.startsWith(common + '/')) common = path.dirname(common);
  }
  const rel = dirs.map((d) => path.relative(common, d));
  const out = [...options];
  out[idx] = `lowerdir=${rel.join(':')}`;
  return { options: out, cwd: common };
}

function describe(err: unknown): string {
  if (err instanceof ToolError) return err.stderr.trim() || err.message;
  return err instanceof Error ? err.message : String(err);
}
