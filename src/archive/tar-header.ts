/**
 * Encoding tar headers (POSIX ustar, with PAX records where ustar falls short).
 *
 * Why not tar-stream's pack: it writes PAX values as UTF-8 text, which
 * corrupts binary xattr values (security.capability), and it replaces a mode
 * of 0 with 0644. Pack output feeds image digests, so every byte here is
 * deterministic: no atime/ctime, no user/group names, whole-second mtimes
 * (Docker truncates the same way), PAX only when a field does not fit.
 * Header layout follows Go's archive/tar, which wrote most layers in the wild.
 */

export type TarHeaderType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';

export interface TarHeader {
  /** Relative name; directories end in "/". */
  name: string;
  type: TarHeaderType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Whole seconds since the epoch. */
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Emitted as PAX SCHILY.xattr.<name>, sorted by name. */
  xattrs?: ReadonlyMap<string, Buffer>;
}

const TYPEFLAG: Record<TarHeaderType, string> = {
  file: '0',
  link: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
};

const BLOCK = 512;
const MAX_OCTAL_7 = 0o7777777; // 8-byte fields: 7 digits + NUL
const MAX_OCTAL_11 = 0o77777777777; // 12-byte fields

/** End-of-archive marker: two zero blocks. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

/** Zero bytes that pad a member's data to a whole block. */
export function padding(size: number): Buffer {
  const rem = size % BLOCK;
  return rem === 0 ? EMPTY : ZEROS.subarray(0, BLOCK - rem);
}
const EMPTY = Buffer.alloc(0);
const ZEROS = Buffer.alloc(BLOCK);

/** The header block(s) for one member: a PAX extended header first when needed. */
export function encodeHeader(h: TarHeader): Buffer {
  const pax: Array<[string, Buffer]> = [];
  const split = splitUstarName(h.name);
  if (!split) pax.push(['path', Buffer.from(h.name, 'utf8')]);
  const linkname = h.linkname ?? '';
  if (!isAscii(linkname) || Buffer.byteLength(linkname) > 100) pax.push(['linkpath', Buffer.from(linkname, 'utf8')]);
  if (h.uid > MAX_OCTAL_7) pax.push(['uid', Buffer.from(String(h.uid))]);
  if (h.gid > MAX_OCTAL_7) pax.push(['gid', Buffer.from(String(h.gid))]);
  if (h.size > MAX_OCTAL_11) pax.push(['size', Buffer.from(String(h.size))]);
  if (h.mtime < 0 || h.mtime > MAX_OCTAL_11) pax.push(['mtime', Buffer.from(String(h.mtime))]);
  if (h.xattrs) {
    for (const name of [...h.xattrs.keys()].sort()) pax.push([`SCHILY.xattr.${name}`, h.xattrs.get(name)!]);
  }

  const main = ustarBlock({
    name: split?.name ?? truncate(asciiOnly(h.name), 100),
    prefix: split?.prefix ?? '',
    mode: h.mode & 0o7777,
    uid: Math.min(h.uid, MAX_OCTAL_7),
    gid: Math.min(h.gid, MAX_OCTAL_7),
    size: h.size > MAX_OCTAL_11 ? 0 : h.size,
    mtime: h.mtime < 0 || h.mtime > MAX_OCTAL_11 ? 0 : h.mtime,
    typeflag: TYPEFLAG[h.type],
    linkname: isAscii(linkname) ? truncate(linkname, 100) : '',
    devmajor: h.devmajor ?? 0,
    devminor: h.devminor ?? 0,
  });
  if (pax.length === 0) return main;

  const records = Buffer.concat(pax.map(([k, v]) => paxRecord(k, v)));
  const paxHeader = ustarBlock({
    name: paxName(h.name),
    prefix: '',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: records.length,
    mtime: 0,
    typeflag: 'x',
    linkname: '',
    devmajor: 0,
    devminor: 0,
  });
  return Buffer.concat([paxHeader, records, padding(records.length), main]);
}

interface UstarFields {
  name: string;
  prefix: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  devmajor: number;
  devminor: number;
}

function ustarBlock(f: UstarFields): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(f.name, 0, 100, 'utf8');
  octal(b, 100, 8, f.mode);
  octal(b, 108, 8, f.uid);
  octal(b, 116, 8, f.gid);
  octal(b, 124, 12, f.size);
  octal(b, 136, 12, f.mtime);
  b.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  b.write(f.typeflag, 156, 1, 'latin1');
  b.write(f.linkname, 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'latin1');
  octal(b, 329, 8, f.devmajor);
  octal(b, 337, 8, f.devminor);
  b.write(f.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 8, 'latin1');
  return b;
}

/** Zero-padded octal filling the field but its last byte, which stays NUL. */
function octal(b: Buffer, off: number, len: number, value: number): void {
  b.write(Math.trunc(value).toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
}

/** ustar's name/prefix split (ASCII only, as Go requires), or undefined when PAX is needed. */
function splitUstarName(name: string): { name: string; prefix: string } | undefined {
  if (!isAscii(name)) return undefined;
  if (name.length <= 100) return { name, prefix: '' };
  // The prefix must end at a "/" with at most 155 bytes before it and at most 100 after.
  for (let i = Math.min(name.length - 1, 155); i > 0; i--) {
    if (name[i] === '/' && name.length - i - 1 <= 100 && name.length - i - 1 > 0) {
      return { name: name.slice(i + 1), prefix: name.slice(0, i) };
    }
  }
  return undefined;
}

/** Go's convention: "<dir>/PaxHeaders.0/<base>", cut to fit. */
function paxName(name: string): string {
  const trimmed = name.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  const dir = slash < 0 ? '.' : trimmed.slice(0, slash);
  const base = trimmed.slice(slash + 1);
  return truncate(asciiOnly(`${dir}/PaxHeaders.0/${base}`), 100);
}

/** "<len> <key>=<value>\n" where len counts the whole record, its own digits included. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len), 'latin1'), body]);
}

function isAscii(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

function asciiOnly(s: string): string {
  return s.replace(/[^\x00-\x7f]/g, '_');
}

function truncate(s: string, max: number): string {
  return Buffer.byteLength(s) <= max ? s : Buffer.from(s).subarray(0, max).toString('latin1');
}
