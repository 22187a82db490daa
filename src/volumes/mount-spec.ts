/**
 * Parsing a container's mount requests with Docker's rules and wording
 * (moby volume/mounts/linux_parser.go):
 *
 *   HostConfig.Binds        "name:/dst[:mode]", "/host:/dst[:mode]", "/dst"
 *   HostConfig.Mounts       {Type: volume|bind|tmpfs, Source, Target, ReadOnly, …Options}
 *   HostConfig.VolumesFrom  "container[:ro|:rw]"
 *
 * Pure: nothing here touches the host. Whether a --mount bind source exists
 * is checked by the caller (ContainerMounts), before anything is created.
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { MountWire } from '../api/types/container-wire.js';
import { mergeTmpfsOptions } from '../runtime/spec/default-mounts.js';
import { LOCAL_DRIVER, type MountPoint } from './volume.js';

/** A parsed mount, and for a volume what to create it with when it does not exist. */
export interface MountRequest {
  point: MountPoint;
  /** Volume mounts: "" name means anonymous (a name is chosen when it is created). */
  volume?: { driver: string; driverOpts?: Record<string, string> | null; labels?: Record<string, string> | null };
  /** --mount bind: the source must exist (checked before anything is created). */
  sourceMustExist?: boolean;
}

const RW_MODES = new Set(['rw', 'ro']);
const LABEL_MODES = new Set(['z', 'Z']);
export const PROPAGATION_MODES = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']);
const CONSISTENCY_MODES = new Set(['consistent', 'cached', 'delegated', 'default']);
const DEFAULT_PROPAGATION = 'rprivate';

/** linuxValidMountMode: each kind of option at most once, nothing unknown. */
export function isValidMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = { rw: 0, label: 0, propagation: 0, copy: 0, consistency: 0 };
  for (const o of mode.split(',')) {
    if (RW_MODES.has(o)) counts.rw++;
    else if (LABEL_MODES.has(o)) counts.label++;
    else if (PROPAGATION_MODES.has(o)) counts.propagation++;
    else if (o === 'nocopy') counts.copy++;
    else if (CONSISTENCY_MODES.has(o)) counts.consistency++;
    else return false;
  }
  return Object.values(counts).every((n) => n <= 1);
}

const modeHas = (mode: string, o: string): boolean => mode.split(',').includes(o);
const propagationOf = (mode: string): string => mode.split(',').find((o) => PROPAGATION_MODES.has(o)) ?? '';

/** Go's path.Clean for an absolute path, without a trailing slash. */
export function cleanPath(p: string): string {
  const n = path.posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

function configError(type: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid mount config for type ${JSON.stringify(type)}: ${why}`);
}

function checkTarget(type: string, target: string): void {
  if (target === '') throw configError(type, 'field Target must not be empty');
  if (path.posix.normalize(target) === '/') throw configError(type, "invalid specification: destination can't be '/'");
  if (!path.posix.isAbsolute(target)) throw configError(type, `invalid mount path: '${target}' mount path must be absolute`);
}

/** One HostConfig.Binds entry (ParseMountRaw). */
export function parseBind(raw: string): MountRequest {
  const invalidSpec = () => new InvalidArgumentError(`invalid volume specification: '${raw}'`);
  const arr = raw.split(':');
  if (arr[0] === '' || arr.length > 3) throw invalidSpec();
  let source = '';
  let target: string;
  let mode = '';
  if (arr.length === 1) {
    target = arr[0]!;
  } else if (arr.length === 2) {
    // "/foo:rw" is a destination with a mode, which a volume cannot be.
    if (isValidMode(arr[1]!)) throw invalidSpec();
    [source, target] = [arr[0]!, arr[1]!];
  } else {
    [source, target, mode] = [arr[0]!, arr[1]!, arr[2]!];
  }
  if (!isValidMode(mode)) throw new InvalidArgumentError(`invalid mode: ${mode}`);
  const type = path.posix.isAbsolute(source) ? 'bind' : 'volume';
  try {
    checkTarget(type, target);
  } catch (err) {
    throw new InvalidArgumentError(`invalid volume specification: '${raw}': ${(err as Error).message}`, { cause: err });
  }
  const rw = !modeHas(mode, 'ro');
  const destination = cleanPath(target);
  if (type === 'bind') {
    return {
      point: { type, source: cleanPath(source), destination, mode, rw, propagation: propagationOf(mode) || DEFAULT_PROPAGATION, createSource: true },
    };
  }
  // Docker reports "z" for a local volume given without a mode (setBindModeIfNull).
  return {
    point: { type, name: source, source: '', destination, driver: LOCAL_DRIVER, mode: mode || 'z', rw, propagation: '', copyData: !modeHas(mode, 'nocopy') },
    volume: { driver: LOCAL_DRIVER },
  };
}

/** tmpfs TmpfsOptions → mount data: size with the largest exact binary suffix, mode in octal (ConvertTmpfsOptions). */
export function tmpfsData(opts: MountWire['TmpfsOptions'], readOnly: boolean): string {
  const out: string[] = [];
  const size = opts?.SizeBytes ?? 0;
  if (size < 0) throw new InvalidArgumentError('invalid mount config for type "tmpfs": invalid tmpfs size');
  if (size > 0) {
    const unit = ([['g', 2 ** 30], ['m', 2 ** 20], ['k', 2 ** 10]] as const).find(([, d]) => size % d === 0);
    out.push(unit ? `size=${size / unit[1]}${unit[0]}` : `size=${size}`);
  }
  if (opts?.Mode) out.push(`mode=${opts.Mode.toString(8)}`);
  for (const o of opts?.Options ?? []) out.push(o.length > 1 ? `${o[0]}=${o[1]}` : String(o[0]));
  if (readOnly) out.push('ro');
  mergeTmpfsOptions(out); // refuses unknown options with Docker's message
  return out.join(',');
}

/** One HostConfig.Mounts entry (ValidateMountConfig + ParseMountSpec). */
export function parseMount(m: MountWire): MountRequest {
  if (typeof m !== 'object' || m === null) throw new InvalidArgumentError('invalid mount config: must be an object');
  const type = m.Type ?? '';
  const target = m.Target ?? '';
  const source = m.Source ?? '';
  const readOnly = m.ReadOnly === true;
  const extra = (field: string) => configError(type, `field ${field} must not be specified`);
  if (!['volume', 'bind', 'tmpfs'].includes(type)) {
    checkTarget(type, target);
    throw configError(type, 'mount type unknown');
  }
  checkTarget(type, target);
  const destination = cleanPath(target);
  switch (type) {
    case 'bind': {
      if (source === '') throw configError(type, 'field Source must not be empty');
      const propagation = m.BindOptions?.Propagation ?? '';
      if (propagation !== '' && !PROPAGATION_MODES.has(propagation)) throw configError(type, `invalid propagation mode: ${propagation}`);
      if (m.VolumeOptions) throw extra('VolumeOptions');
      if (m.TmpfsOptions) throw extra('TmpfsOptions');
      if (!path.posix.isAbsolute(source)) throw configError(type, `invalid mount path: '${source}' mount path must be absolute`);
      const create = m.BindOptions?.CreateMountpoint === true;
      return {
        point: {
          type,
          source: cleanPath(source),
          destination,
          mode: '',
          rw: !readOnly,
          propagation: propagation || DEFAULT_PROPAGATION,
          createSource: create,
          ...(m.BindOptions?.NonRecursive ? { nonRecursive: true } : {}),
        },
        sourceMustExist: !create,
      };
    }
    case 'volume': {
      if (m.BindOptions) throw extra('BindOptions');
      if (m.TmpfsOptions) throw extra('TmpfsOptions');
      if (source === '' && readOnly) throw configError(type, 'must not set ReadOnly mode when using anonymous volumes');
      if (m.VolumeOptions?.Subpath) throw configError(type, 'volume subpath is not supported');
      const driver = m.VolumeOptions?.DriverConfig?.Name || LOCAL_DRIVER;
      return {
        point: { type, name: source, source: '', destination, driver, mode: 'z', rw: !readOnly, propagation: '', copyData: m.VolumeOptions?.NoCopy !== true },
        volume: { driver, driverOpts: m.VolumeOptions?.DriverConfig?.Options ?? null, labels: m.VolumeOptions?.Labels ?? null },
      };
    }
    default: {
      if (m.BindOptions) throw extra('BindOptions');
      if (m.VolumeOptions) throw extra('VolumeOptions');
      if (source !== '') throw extra('Source');
      let data: string;
      try {
        data = tmpfsData(m.TmpfsOptions, readOnly);
      } catch (err) {
        throw err instanceof InvalidArgumentError && err.message.startsWith('invalid mount config') ? err : configError(type, (err as Error).message);
      }
      return { point: { type: 'tmpfs', source: '', destination, mode: '', rw: !readOnly, propagation: '', tmpfsData: data } };
    }
  }
}

/** One HostConfig.VolumesFrom entry: the container and whether its mounts stay writable. */
export function parseVolumesFrom(spec: string): { container: string; readOnly: boolean } {
  if (spec === '') throw new InvalidArgumentError('volumes-from specification cannot be an empty string');
  const colon = spec.indexOf(':');
  const container = colon < 0 ? spec : spec.slice(0, colon);
  const mode = colon < 0 ? '' : spec.slice(colon + 1);
  if (mode === '') return { container, readOnly: false };
  // Propagation and copy modes cannot be imported: the source container's apply.
  if (!isValidMode(mode) || propagationOf(mode) !== '' || modeHas(mode, 'nocopy')) throw new InvalidArgumentError(`invalid mode: ${mode}`);
  return { container, readOnly: modeHas(mode, 'ro') };
}
