/**
 * The local driver's options (`volume create --opt`), as moby's
 * local_unix.go reads them: `type` and `device` are what mount(8) gets,
 * `o` its options. The volume's _data directory is the mount target, so
 *
 *   --opt type=tmpfs --opt device=tmpfs --opt o=size=100m   a tmpfs volume
 *   --opt type=none  --opt o=bind --opt device=/some/dir    a host directory
 *
 * Validation happens at create time, before anything is made; the mount
 * itself when the first container using the volume starts.
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { MountSpec } from '../host/mount.js';
import { parseBytes } from '../units/bytes.js';

const VALID = new Set(['type', 'o', 'device', 'size']);
/** An option → the options it cannot go without (moby's mandatoryOpts). */
const REQUIRES: ReadonlyArray<[string, string[]]> = [
  ['device', ['type']],
  ['type', ['device']],
  ['o', ['device', 'type']],
];

/** Throws Docker's InvalidParameter messages for options the local driver refuses. */
export function validateLocalOptions(opts: Record<string, string> | null | undefined): void {
  if (!opts || Object.keys(opts).length === 0) return;
  for (const key of Object.keys(opts)) {
    if (!VALID.has(key)) throw new InvalidArgumentError(`invalid option: ${JSON.stringify(key)}`);
  }
  if (opts['size'] !== undefined) {
    let size: number;
    try {
      size = parseBytes(opts['size']);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message, { cause: err });
    }
    // Docker sets a project quota (xfs/ext4 prjquota); Berth has none to offer.
    if (size > 0) throw new InvalidArgumentError('quota size requested but no quota support');
  }
  for (const [opt, needed] of REQUIRES) {
    if (opts[opt] === undefined) continue;
    for (const n of needed) {
      if (opts[n] === undefined) throw new InvalidArgumentError(`missing required option: ${JSON.stringify(n)}`);
    }
  }
  if (isBindOptions(opts) && !path.isAbsolute(opts['device']!)) {
    throw new InvalidArgumentError(`invalid option: "device" must be an absolute path for a bind mount: ${opts['device']}`);
  }
}

/** o=bind (or rbind) among the mount options: the device is a host path. */
export function isBindOptions(opts: Record<string, string>): boolean {
  return (opts['o'] ?? '').split(',').some((o) => o === 'bind' || o === 'rbind');
}

/**
 * What to mount at `dataDir` for these options. A bind device that is the
 * volume's own directory, or inside it, would mount the volume into itself:
 * refused, so nothing is ever written through such a loop.
 */
export function localMountSpec(opts: Record<string, string>, volumeDir: string): MountSpec {
  const device = opts['device'];
  if (!device) throw new InvalidArgumentError('missing device in volume options');
  const options = (opts['o'] ?? '').split(',').filter((o) => o !== '');
  if (isBindOptions(opts)) {
    const rel = path.relative(volumeDir, path.resolve(device));
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
      throw new InvalidArgumentError(`invalid option: "device" ${device} would bind the volume into itself`);
    }
  }
  // mount(8) takes "none" for a bind; any other type is passed as is.
  return { type: opts['type'] || 'none', source: device, options };
}
