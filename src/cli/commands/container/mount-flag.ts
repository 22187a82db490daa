/**
 * `--mount type=…,source=…,target=…[,…]` → one HostConfig.Mounts entry,
 * with docker/cli's rules and messages (opts/mount.go): the value is one CSV
 * record (quote a field that holds a comma: `"volume-opt=o=size=1m,uid=1"`),
 * the type defaults to volume, `./src` is made absolute, and options of one
 * mount type cannot be mixed with another.
 */
import { isAbsolute, resolve } from 'node:path';
import { parseBytes } from '../../../units/bytes.js';
import type { Mount } from '../../client/types.js';

/** Go's encoding/csv for one record: fields split on commas, double quotes group and "" escapes a quote. */
export function splitCsvRecord(value: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let startOfField = true;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted) {
      if (ch === '"' && value[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && startOfField) {
      quoted = true;
      startOfField = false;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      startOfField = true;
    } else {
      if (ch === '"') throw new Error(`parse error on line 1, column ${i + 1}: bare " in non-quoted-field`);
      field += ch;
      startOfField = false;
    }
  }
  if (quoted) throw new Error(`parse error on line 1, column ${value.length + 1}: extraneous or missing " in quoted-field`);
  fields.push(field);
  return fields;
}

function parseBool(key: string, v: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new Error(`invalid value for ${key}: ${v}`);
}

/** "k=v" into a map (a bare "k" maps to ""); an empty key is dropped, as docker does. */
function setOnMap(target: Record<string, string>, value: string): void {
  const eq = value.indexOf('=');
  const k = eq < 0 ? value : value.slice(0, eq);
  if (k !== '') target[k] = eq < 0 ? '' : value.slice(eq + 1);
}

/** Parses one --mount value; `cwd` resolves a relative "./src". Throws Error with docker's message. */
export function parseMountFlag(value: string, cwd: string): Mount {
  const mount: Mount = { Type: 'volume', Target: '' };
  const volumeOptions = () => {
    mount.VolumeOptions ??= { Labels: {} };
    mount.VolumeOptions.DriverConfig ??= {};
    return mount.VolumeOptions;
  };
  const bindOptions = () => (mount.BindOptions ??= {});
  const tmpfsOptions = () => (mount.TmpfsOptions ??= {});

  for (const field of splitCsvRecord(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? '' : field.slice(eq + 1);
    if (eq < 0) {
      if (key === 'readonly' || key === 'ro') mount.ReadOnly = true;
      else if (key === 'volume-nocopy') volumeOptions().NoCopy = true;
      else if (key === 'bind-nonrecursive') bindOptions().NonRecursive = true;
      else throw new Error(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    switch (key) {
      case 'type':
        mount.Type = val.toLowerCase();
        break;
      case 'source':
      case 'src':
        mount.Source = (val === '.' || val.startsWith('./')) && !isAbsolute(val) ? resolve(cwd, val) : val;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        mount.Target = val;
        break;
      case 'readonly':
      case 'ro':
        mount.ReadOnly = parseBool(key, val);
        break;
      case 'consistency':
        mount.Consistency = val.toLowerCase();
        break;
      case 'bind-propagation':
        bindOptions().Propagation = val.toLowerCase();
        break;
      case 'bind-nonrecursive':
        bindOptions().NonRecursive = parseBool(key, val);
        break;
      case 'bind-create-src':
        bindOptions().CreateMountpoint = parseBool(key, val);
        break;
      case 'volume-driver':
        volumeOptions().DriverConfig!.Name = val;
        break;
      case 'volume-subpath':
        volumeOptions().Subpath = val;
        break;
      case 'volume-opt':
        setOnMap((volumeOptions().DriverConfig!.Options ??= {}), val);
        break;
      case 'volume-label':
        setOnMap((volumeOptions().Labels ??= {}), val);
        break;
      case 'volume-nocopy':
        volumeOptions().NoCopy = parseBool('volume-nocopy', val);
        break;
      case 'tmpfs-size': {
        try {
          tmpfsOptions().SizeBytes = parseBytes(val);
        } catch {
          throw new Error(`invalid value for ${key}: ${val}`);
        }
        break;
      }
      case 'tmpfs-mode': {
        if (!/^[0-7]+$/.test(val) || parseInt(val, 8) > 0xffffffff) throw new Error(`invalid value for ${key}: ${val}`);
        tmpfsOptions().Mode = parseInt(val, 8);
        break;
      }
      default:
        throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (mount.Type === '') throw new Error('type is required');
  if (mount.Target === '') throw new Error('target is required');
  if (mount.VolumeOptions && mount.Type !== 'volume') throw new Error(`cannot mix 'volume-*' options with mount type '${mount.Type}'`);
  if (mount.BindOptions && mount.Type !== 'bind') throw new Error(`cannot mix 'bind-*' options with mount type '${mount.Type}'`);
  if (mount.TmpfsOptions && mount.Type !== 'tmpfs') throw new Error(`cannot mix 'tmpfs-*' options with mount type '${mount.Type}'`);
  return mount;
}
