/**
 * Reading tars: tar-stream's parser, with entries normalised into one shape
 * (TarEntry) that the extractor consumes.
 *
 * One fix is layered onto tar-stream: it decodes PAX records as UTF-8, which
 * corrupts binary values, and the xattrs Docker stores in PAX
 * ("SCHILY.xattr.security.capability") are binary. We replace the PAX
 * decoding of each parser instance with a byte-exact one. That touches a
 * tar-stream internal, so it is checked at construction (the package is
 * pinned) and covered by a test that round-trips a binary capability.
 */
import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { BerthError, InvalidArgumentError } from '../errors.js';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'link' | 'char' | 'block' | 'fifo' | 'unsupported';

/** One tar member after PAX/GNU headers are folded in. */
export interface TarEntry {
  /** The name exactly as the archive has it; cleaning is the extractor's job. */
  name: string;
  type: TarEntryType;
  /** Permission bits incl. setuid/setgid/sticky (07777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch; PAX times may carry a fraction. */
  mtime: number;
  atime?: number;
  /** Symlink target or hard-link target name ("" otherwise). */
  linkname: string;
  devmajor: number;
  devminor: number;
  xattrs: Map<string, Buffer>;
}

const TYPES: Record<string, TarEntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'link',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

/**
 * The entries of an uncompressed tar stream, in order. Each body must be
 * consumed (or left alone, in which case it is drained) before asking for
 * the next entry; that is what keeps extraction streaming.
 */
export async function* readTar(input: Readable, opts: { lenientEnd?: boolean } = {}): AsyncGenerator<{ entry: TarEntry; body: AsyncIterable<Buffer> }> {
  // Pre-POSIX (v7) headers have no magic; Go's reader accepts them and the checksum still guards against garbage.
  const parser = tarStream.extract({ allowUnknownFormat: true } as Parameters<typeof tarStream.extract>[0]);
  withBinaryPax(parser);
  let inputError: unknown;
  let parserError: unknown;
  // The entry being read: destroying the parser does not end it, so a consumer in the middle of
  // an entry's data would wait forever for the rest; it is failed along with the parser.
  let current: { destroy(err?: Error): void } | undefined;
  const fail = (err: Error) => {
    parser.destroy(err);
    current?.destroy(err);
  };
  parser.on('error', (err: unknown) => void (parserError ??= err));
  input.on('error', (err) => {
    inputError = err;
    fail(err);
  });
  // pipe() does not end the parser when the input is destroyed midway; without this it would wait forever.
  input.on('close', () => {
    if (!input.readableEnded && inputError === undefined) fail(new Error('the stream closed before the end of the archive'));
  });
  // Destroyed before we got here: its 'error'/'close' are gone, so fail now.
  if (input.destroyed) {
    const err = (input.errored as Error | null) ?? new Error('the stream closed before the end of the archive');
    if (input.errored) inputError = err;
    fail(err);
  } else {
    input.pipe(parser as unknown as NodeJS.WritableStream);
  }
  // Set once an entry's data has been read to its end, until the next entry starts.
  let betweenEntries = false;
  try {
    for await (const stream of parser) {
      betweenEntries = false;
      current = stream as unknown as { destroy(err?: Error): void };
      const chunks = stream as unknown as AsyncIterable<Buffer>;
      yield { entry: toEntry(stream.header as RawHeader), body: bodyOf(chunks, () => archiveError(parserError, inputError)) };
      // Whatever the consumer left unread is skipped here.
      for await (const _ of chunks) void _;
      betweenEntries = true;
    }
  } catch (err) {
    const cause = parserError ?? err;
    const truncatedFooter = opts.lenientEnd && betweenEntries && inputError === undefined && cause instanceof Error && cause.message === 'Unexpected end of data';
    if (truncatedFooter) return;
    throw archiveError(cause, inputError);
  } finally {
    if (!parser.destroyed) {
      input.unpipe(parser as unknown as NodeJS.WritableStream);
      parser.destroy();
    }
  }
}

/** An entry's data; when the parser fails midway the entry stream only says "destroyed", so the parser's reason is thrown instead. */
async function* bodyOf(chunks: AsyncIterable<Buffer>, reason: () => unknown): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (err) {
    throw reason() ?? err;
  }
}

/**
 * Malformed input is the client's fault (InvalidArgument); a failing source
 * (disk, network) is not, and passes through unchanged. Errors the consumer
 * throws never come through here: they end the loop from outside.
 */
function archiveError(err: unknown, inputError: unknown): unknown {
  if (err === undefined || err instanceof BerthError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && code.startsWith('Z_')) return new InvalidArgumentError(`invalid gzip data: ${message}`, { cause: err });
  if (err === inputError) return err;
  return new InvalidArgumentError(`invalid tar archive: ${message}`, { cause: err });
}

type RawHeader = Omit<Partial<tarStream.Header>, 'pax' | 'type'> & {
  name: string;
  type?: string | null;
  pax?: Record<string, string> | null;
};

function toEntry(h: RawHeader): TarEntry {
  const pax = h.pax ?? {};
  return {
    name: h.name,
    type: (h.type && TYPES[h.type]) || 'unsupported',
    mode: (h.mode ?? 0) & 0o7777,
    uid: paxInt(pax.uid) ?? h.uid ?? 0,
    gid: paxInt(pax.gid) ?? h.gid ?? 0,
    size: h.size ?? 0,
    mtime: paxTime(pax.mtime) ?? (h.mtime ? h.mtime.getTime() / 1000 : 0),
    atime: paxTime(pax.atime),
    linkname: h.linkname ?? '',
    devmajor: h.devmajor ?? 0,
    devminor: h.devminor ?? 0,
    xattrs: xattrsOf(pax),
  };
}

function paxInt(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

function paxTime(v: string | undefined): number | undefined {
  return v !== undefined && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
}

const SCHILY = 'SCHILY.xattr.';
const LIBARCHIVE = 'LIBARCHIVE.xattr.';

/** GNU tar / Go write SCHILY.xattr.<name>=<raw bytes>; bsdtar LIBARCHIVE.xattr.<url-encoded name>=<base64>. */
function xattrsOf(pax: Record<string, string>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(pax)) {
    if (key.startsWith(SCHILY)) out.set(key.slice(SCHILY.length), Buffer.from(value, 'latin1'));
    else if (key.startsWith(LIBARCHIVE)) out.set(decodeURIComponent(key.slice(LIBARCHIVE.length)), Buffer.from(value, 'base64'));
  }
  return out;
}

interface ExtractInternals {
  _header: { type: string | null } | null;
  _pax: Record<string, string> | null;
  _paxGlobal: Record<string, string> | null;
  _decodeLongHeader(buf: Buffer): void;
}

function withBinaryPax(parser: tarStream.Extract): void {
  const internals = parser as unknown as ExtractInternals;
  const original = internals._decodeLongHeader;
  if (typeof original !== 'function' || !('_paxGlobal' in internals)) {
    throw new Error('tar-stream internals changed: binary PAX values cannot be read safely');
  }
  internals._decodeLongHeader = function (this: ExtractInternals, buf: Buffer) {
    const type = this._header?.type;
    if (type === 'pax-header') {
      const records = decodePax(buf);
      this._pax = this._paxGlobal === null ? records : { ...this._paxGlobal, ...records };
    } else if (type === 'pax-global-header') {
      this._paxGlobal = decodePax(buf);
    } else {
      original.call(this, buf);
    }
  };
}

/**
 * PAX records are "<len> <key>=<value>\n" with len counting the whole record
 * in bytes. Keys and text values are UTF-8; SCHILY.xattr values are kept
 * byte-for-byte as a latin1 string (one char per byte).
 */
export function decodePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < buf.length) {
    if (buf[pos] === 0) break; // padding
    const space = buf.indexOf(0x20, pos);
    const len = space < 0 ? NaN : Number(buf.toString('latin1', pos, space));
    if (!Number.isInteger(len) || len <= space - pos || pos + len > buf.length || buf[pos + len - 1] !== 0x0a) {
      throw new Error('invalid PAX header record');
    }
    const eq = buf.indexOf(0x3d, space + 1);
    if (eq < 0 || eq >= pos + len) throw new Error('invalid PAX header record');
    const key = buf.toString('utf8', space + 1, eq);
    const raw = buf.subarray(eq + 1, pos + len - 1);
    out[key] = key.startsWith(SCHILY) ? raw.toString('latin1') : raw.toString('utf8');
    pos += len;
  }
  return out;
}
