/**
 * The `filters` of GET /volumes and POST /volumes/prune, with moby's
 * semantics (volume/service/convert.go, api/types/filters): unknown keys are
 * refused, values of `driver` and `name` are OR'ed, `label` values AND'ed,
 * `label!` excludes a volume only when all its values match, and keys are
 * AND'ed together.
 */
import { InvalidArgumentError } from '../errors.js';
import { ANONYMOUS_LABEL, LOCAL_DRIVER, type VolumeRecord } from './volume.js';

export type Filters = Map<string, string[]>;

const LIST_KEYS = new Set(['dangling', 'name', 'driver', 'label']);
const PRUNE_KEYS = new Set(['label', 'label!', 'all']);

function invalid(key: string, values?: string[]): InvalidArgumentError {
  return new InvalidArgumentError(`invalid filter '${key}${values ? `=${values.join(',')}` : ''}'`);
}

function validateKeys(f: Filters, accepted: Set<string>): void {
  for (const k of f.keys()) if (!accepted.has(k)) throw invalid(k);
}

/** filters.Args.GetBoolOrDefault: one of 1/true/0/false. */
function boolFilter(f: Filters, key: string): boolean | undefined {
  const values = f.get(key);
  if (!values || values.length === 0) return undefined;
  const set = new Set(values);
  if (set.size > 1) throw invalid(key, values);
  if (set.has('1') || set.has('true')) return true;
  if (set.has('0') || set.has('false')) return false;
  throw invalid(key, values);
}

/** filters.Args.Match: an exact value, or an unanchored regular expression; a bad pattern matches nothing. */
function matches(values: string[], text: string): boolean {
  return values.some((v) => {
    if (v === text) return true;
    try {
      return new RegExp(v).test(text);
    } catch {
      return false;
    }
  });
}

/** filters.Args.MatchKVList: every "key" or "key=value" must hold. */
export function matchKVList(values: string[] | undefined, labels: Record<string, string> | null): boolean {
  if (!values || values.length === 0) return true;
  if (!labels || Object.keys(labels).length === 0) return false;
  return values.every((expr) => {
    const eq = expr.indexOf('=');
    const key = eq < 0 ? expr : expr.slice(0, eq);
    if (!(key in labels)) return false;
    return eq < 0 || labels[key] === expr.slice(eq + 1);
  });
}

function labelsMatch(f: Filters, v: VolumeRecord): boolean {
  if (!matchKVList(f.get('label'), v.labels)) return false;
  const not = f.get('label!');
  if (not && not.length > 0 && matchKVList(not, v.labels)) return false;
  return true;
}

/** The volumes GET /volumes lists; `referenced` says whether a volume has users (not dangling). */
export function selectVolumes(all: VolumeRecord[], f: Filters, referenced: (name: string) => boolean): VolumeRecord[] {
  validateKeys(f, LIST_KEYS);
  const dangling = boolFilter(f, 'dangling');
  const drivers = f.get('driver');
  const names = f.get('name');
  return all.filter((v) => {
    if (drivers && drivers.length > 0 && !drivers.includes(v.driver)) return false;
    if (names && names.length > 0 && !matches(names, v.name)) return false;
    if (!labelsMatch(f, v)) return false;
    if (dangling !== undefined && referenced(v.name) === dangling) return false;
    return true;
  });
}

/**
 * The volumes a prune may remove: local, unreferenced, without driver
 * options (a tmpfs or bind volume holds no space of its own, so Docker skips
 * it), anonymous unless all=true, and matching the label filters.
 * `apiVersion` below 1.42 means every unused volume, as before Docker 23.
 */
export function selectPrunable(all: VolumeRecord[], f: Filters, referenced: (name: string) => boolean, apiVersion = '1.45'): VolumeRecord[] {
  validateKeys(f, PRUNE_KEYS);
  const allValues = f.get('all') ?? [];
  if (allValues.length > 1) throw new InvalidArgumentError(`invalid filter 'all=${allValues.join(' ')}': only one value is expected`);
  let everything = olderThan142(apiVersion);
  if (allValues.length === 1) {
    const v = allValues[0]!;
    if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) everything = true;
    else if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) everything = false;
    else throw new InvalidArgumentError(`invalid filter 'all': strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
  }
  const labels = [...(f.get('label') ?? []), ...(everything ? [] : [ANONYMOUS_LABEL])];
  const effective: Filters = new Map(f);
  effective.set('label', labels);
  return all.filter(
    (v) =>
      v.driver === LOCAL_DRIVER &&
      !referenced(v.name) &&
      (!v.options || Object.keys(v.options).length === 0) &&
      labelsMatch(effective, v),
  );
}

function olderThan142(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major < 1 || (major === 1 && minor < 42);
}
