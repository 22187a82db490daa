/**
 * `volumes:` entries of a service, short or long syntax, → the long form
 * (compose-go's ParseVolume):
 *
 *   /data                   anonymous volume at /data
 *   dbdata:/var/lib/db      named volume (declared at the top level)
 *   ./site:/www:ro          bind mount; relative to the project directory
 *   ~/conf:/etc/app         bind mount below $HOME
 *   {type: tmpfs, target: /run, tmpfs: {size: 10m}}
 *
 * Relative host paths are made absolute later, by resolveBindSource(), with
 * the directory of the file that declared them.
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { parseBytes } from '../units/bytes.js';
import type { RawMap, ServiceVolume } from './types.js';

const PROPAGATIONS = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const TYPES = new Set(['volume', 'bind', 'tmpfs']);

const isPath = (s: string): boolean => s.startsWith('/') || s.startsWith('.') || s.startsWith('~');

export function parseShortVolume(spec: string, where: string): ServiceVolume {
  const parts = spec.split(':');
  if (parts.some((p) => p === '') || parts.length > 3) throw new InvalidArgumentError(`${where}: invalid volume specification ${JSON.stringify(spec)}`);
  if (parts.length === 1) return { type: 'volume', target: parts[0]! };
  // "/data:ro" is a target with a mode only when the second part is no path.
  const [source, target, mode] = parts.length === 2 && !parts[1]!.startsWith('/') ? [undefined, parts[0]!, parts[1]!] : [parts[0]!, parts[1]!, parts[2]];
  if (!target.startsWith('/')) throw new InvalidArgumentError(`${where}: invalid volume specification ${JSON.stringify(spec)}: the target must be an absolute path`);
  const out: ServiceVolume = source === undefined ? { type: 'volume', target } : { type: isPath(source) ? 'bind' : 'volume', source, target };
  for (const option of (mode ?? '').split(',').filter((o) => o !== '')) {
    if (option === 'ro') out.read_only = true;
    else if (option === 'rw') out.read_only = false;
    else if (option === 'nocopy') out.volume = { ...out.volume, nocopy: true };
    else if (PROPAGATIONS.has(option)) out.bind = { ...out.bind, propagation: option };
    else if (option === 'z' || option === 'Z') continue;
    else throw new InvalidArgumentError(`${where}: invalid volume mode ${JSON.stringify(option)} in ${JSON.stringify(spec)}`);
  }
  if (out.type === 'bind') out.bind = { ...out.bind, create_host_path: true };
  if (out.read_only === false) delete out.read_only;
  return out;
}

export function parseLongVolume(m: RawMap, where: string): ServiceVolume {
  const type = String(m['type'] ?? '');
  if (!TYPES.has(type)) throw new InvalidArgumentError(`${where}.type must be one of volume, bind, tmpfs (got ${JSON.stringify(type)})`);
  const target = m['target'];
  if (typeof target !== 'string' || !target.startsWith('/')) throw new InvalidArgumentError(`${where}.target must be an absolute path`);
  const out: ServiceVolume = { type: type as ServiceVolume['type'], target };
  if (m['source'] !== undefined && m['source'] !== '') {
    if (type === 'tmpfs') throw new InvalidArgumentError(`${where}: a tmpfs mount has no source`);
    out.source = String(m['source']);
  } else if (type === 'bind') {
    throw new InvalidArgumentError(`${where}: a bind mount needs a source`);
  }
  if (m['read_only'] !== undefined && toBool(m['read_only'])) out.read_only = true;
  const bind = m['bind'] as RawMap | undefined;
  if (bind !== undefined) {
    out.bind = {};
    if (bind['propagation'] !== undefined) {
      const p = String(bind['propagation']);
      if (!PROPAGATIONS.has(p)) throw new InvalidArgumentError(`${where}.bind.propagation: invalid value ${JSON.stringify(p)}`);
      out.bind.propagation = p;
    }
    if (bind['create_host_path'] !== undefined) out.bind.create_host_path = toBool(bind['create_host_path']);
  }
  const volume = m['volume'] as RawMap | undefined;
  if (volume !== undefined) {
    out.volume = {};
    if (volume['nocopy'] !== undefined) out.volume.nocopy = toBool(volume['nocopy']);
    if (volume['subpath'] !== undefined) out.volume.subpath = String(volume['subpath']);
  }
  const tmpfs = m['tmpfs'] as RawMap | undefined;
  if (tmpfs !== undefined) {
    out.tmpfs = {};
    if (tmpfs['size'] !== undefined) out.tmpfs.size = typeof tmpfs['size'] === 'number' ? tmpfs['size'] : parseBytes(String(tmpfs['size']));
    if (tmpfs['mode'] !== undefined) out.tmpfs.mode = Number(tmpfs['mode']);
  }
  return out;
}

export function parseVolumes(list: readonly unknown[], where: string): ServiceVolume[] {
  return list.map((entry, i) => {
    const at = `${where}[${i}]`;
    return typeof entry === 'object' && entry !== null ? parseLongVolume(entry as RawMap, at) : parseShortVolume(String(entry), at);
  });
}

/** A bind source made absolute: `~` is $HOME, relative paths are against `baseDir`. */
export function resolveBindSource(source: string, baseDir: string, home: string | undefined): string {
  if (source === '~' || source.startsWith('~/')) {
    if (home === undefined) throw new InvalidArgumentError(`cannot resolve ${source}: HOME is not set`);
    return path.join(home, source.slice(1));
  }
  return path.resolve(baseDir, source);
}

export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return /^(true|yes|on|1)$/i.test(String(v));
}
