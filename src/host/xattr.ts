/**
 * Extended attributes through attr's `getfattr`/`setfattr` (Node has no
 * xattr syscalls). Every call works on the path itself, never through a
 * final symlink (-h). Values travel as hex, so binary values such as
 * security.capability survive.
 *
 * Spawning is the cost, so the bulk forms matter: `dumpXattrs` reads a whole
 * tree in one process, `getXattrMany` one attribute of many paths, and
 * `setXattrs` writes a batch with `setfattr --restore`. Failures carry a
 * Node-style `code` (ENOTSUP, EPERM, ENOENT, ENODATA) so callers can use
 * isErrno on them.
 */
import { execFile } from 'node:child_process';

export interface XattrWrite {
  path: string;
  name: string;
  value: Buffer;
}

export interface XattrFailure {
  write: XattrWrite;
  error: Error & { code?: string };
}

/** One attribute of one path; undefined when the path has no such attribute. */
export async function getXattr(path: string, name: string): Promise<Buffer | undefined> {
  return (await getXattrMany([path], name)).get(path);
}

/** One attribute of many paths, in as few spawns as the argument limit allows; paths without it are absent. */
export async function getXattrMany(paths: readonly string[], name: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (let i = 0; i < paths.length; i += 2000) {
    const batch = paths.slice(i, i + 2000);
    const r = await capture('getfattr', ['-h', '--absolute-names', '-e', 'hex', '-n', name, '--', ...batch]);
    // Exit 1 with "No such attribute" on stderr is the normal "absent" answer.
    const bad = r.stderr.split('\n').filter((l) => l && !/No such attribute|No data available/.test(l));
    if (r.code !== 0 && bad.length > 0) throw toolError('getfattr', bad.join('; '));
    for (const [p, attrs] of parseDump(r.stdout)) {
      const v = attrs.get(name);
      if (v) out.set(p, v);
    }
  }
  return out;
}

/**
 * Every attribute matching pattern (a POSIX extended regex over names) of
 * every path under root, root included; symlinks are not followed. Paths
 * with no matching attribute are absent from the result.
 */
export async function dumpXattrs(root: string, pattern: string): Promise<Map<string, Map<string, Buffer>>> {
  const r = await capture('getfattr', ['-R', '-h', '--absolute-names', '-d', '-e', 'hex', '-m', pattern, '--', root]);
  // A file removed while getfattr walks is not an error for a snapshot of the tree.
  const bad = r.stderr.split('\n').filter((l) => l && !/No such file or directory/.test(l));
  if (r.code !== 0 && bad.length > 0) throw toolError('getfattr', bad.join('; '));
  return parseDump(r.stdout);
}

export async function setXattr(path: string, name: string, value: Buffer | string): Promise<void> {
  const failures = await setXattrs([{ path, name, value: Buffer.isBuffer(value) ? value : Buffer.from(value) }]);
  if (failures.length > 0) throw failures[0]!.error;
}

/**
 * Writes a batch in one `setfattr --restore` and returns what failed. When
 * the batch reports any failure it is replayed one attribute at a time, so
 * each failure is attributed exactly (re-setting a value is harmless).
 */
export async function setXattrs(writes: readonly XattrWrite[]): Promise<XattrFailure[]> {
  if (writes.length === 0) return [];
  if (writes.length > 1) {
    const r = await capture('setfattr', ['-h', '--restore=-'], encodeDump(writes));
    if (r.code === 0) return [];
  }
  const failures: XattrFailure[] = [];
  for (const w of writes) {
    const r = await capture('setfattr', ['-h', '-n', w.name, '-v', '0x' + w.value.toString('hex'), '--', w.path]);
    if (r.code !== 0) failures.push({ write: w, error: toolError('setfattr', r.stderr.trim(), `${w.name} on ${w.path}`) });
  }
  return failures;
}

/** Parses `getfattr -d -e hex` output: "# file: <path>" then "name=0x…" lines. */
function parseDump(stdout: Buffer): Map<string, Map<string, Buffer>> {
  const out = new Map<string, Map<string, Buffer>>();
  let current: Map<string, Buffer> | undefined;
  // latin1 keeps one char per byte, so octal escapes and raw UTF-8 bytes decode the same way.
  for (const line of stdout.toString('latin1').split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      out.set(unquote(line.slice(8)), current);
      continue;
    }
    const m = /^(.+)=0x([0-9a-fA-F]*)$/.exec(line);
    if (m && current) current.set(unquote(m[1]!), Buffer.from(m[2]!, 'hex'));
  }
  return out;
}

/** getfattr escapes awkward bytes (newline, backslash, …) as \ooo. */
function unquote(s: string): string {
  const bytes = s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function quote(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    out += byte <= 0x20 || byte === 0x5c || byte === 0x3d || byte >= 0x7f ? '\\' + byte.toString(8).padStart(3, '0') : String.fromCharCode(byte);
  }
  return out;
}

function encodeDump(writes: readonly XattrWrite[]): Buffer {
  let text = '';
  for (const w of writes) text += `# file: ${quote(w.path)}\n${quote(w.name)}=0x${w.value.toString('hex')}\n\n`;
  return Buffer.from(text, 'latin1');
}

function toolError(tool: string, stderr: string, subject?: string): Error & { code?: string } {
  const code = /Operation not supported/.test(stderr)
    ? 'ENOTSUP'
    : /Operation not permitted/.test(stderr)
      ? 'EPERM'
      : /No such file/.test(stderr)
        ? 'ENOENT'
        : /No such attribute|No data available/.test(stderr)
          ? 'ENODATA'
          : undefined;
  const err = new Error(`${tool}${subject ? ` ${subject}` : ''}: ${stderr}`);
  return code ? Object.assign(err, { code }) : err;
}

interface Captured {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Like runTool, but keeps stdout on a non-zero exit: getfattr answers partly and exits 1. */
function capture(file: string, args: string[], input?: Buffer): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      if (err && typeof code !== 'number') return reject(err); // spawn failure or maxBuffer
      resolve({ code: code as number, stdout, stderr: stderr.toString('utf8') });
    });
    // A tool that exits without reading its stdin would raise EPIPE here; its exit code says what happened.
    child.stdin?.on('error', () => undefined);
    if (input) child.stdin?.end(input);
    else child.stdin?.end();
  });
}
