/**
 * `docker ps` selection: --all, --last/-n, and the filters status, name,
 * id, label, ancestor, exited, before, since, volume — with moby's semantics
 * (daemon/list.go): values of one key are OR'ed, different keys AND'ed,
 * newest first; stopped containers are hidden unless --all, a status filter
 * or a limit asks for them (an exited= filter alone does not).
 */
import { InvalidArgumentError } from '../errors.js';
import { timeNanos } from './clock.js';
import { isRunning, ZERO_TIME, type ContainerRecord } from './container.js';

const FILTER_KEYS = new Set(['status', 'name', 'id', 'label', 'ancestor', 'exited', 'before', 'since', 'health', 'network', 'volume', 'publish', 'expose', 'isolation', 'is-task']);
const STATUSES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

export interface ListOptions {
  all: boolean;
  limit?: number;
  filters: Map<string, string[]>;
  /**
   * The image IDs an ancestor filter value stands for: the image it names and
   * every image built on it (commit, build), as moby walks its children; none
   * for an unknown image.
   */
  imageAndDescendants: (nameOrId: string) => string[];
}

/** Go's regexp.MatchString as filters.Args.Match uses it: unanchored, and a bad pattern matches nothing. */
function regexMatches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false;
  }
}

/** moby's validHealths, in its order (it is in the message). */
const HEALTH_VALUES = ['none', 'starting', 'healthy', 'unhealthy'];

function validate(f: Map<string, string[]>): number[] {
  for (const k of f.keys()) if (!FILTER_KEYS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
  for (const h of f.get('health') ?? []) {
    if (!HEALTH_VALUES.includes(h)) {
      throw new InvalidArgumentError(`invalid filter 'health=${h}': invalid value for health (${h}): must be one of ${HEALTH_VALUES.join(', ')}`);
    }
  }
  for (const s of f.get('status') ?? []) {
    if (!STATUSES.includes(s)) {
      throw new InvalidArgumentError(`invalid filter 'status=${s}': invalid value for state (${s}): must be one of ${STATUSES.join(', ')}`);
    }
  }
  return (f.get('exited') ?? []).map((e) => {
    if (!/^[+-]?\d+$/.test(e)) throw new InvalidArgumentError(`invalid filter 'exited=${e}': strconv.Atoi: parsing "${e}": invalid syntax`);
    return Number(e);
  });
}

export function selectContainers(all: ContainerRecord[], opts: ListOptions): ContainerRecord[] {
  const f = opts.filters;
  const exitCodes = validate(f);
  const created = new Map(all.map((c) => [c.id, timeNanos(c.created)]));
  const sorted = [...all].sort((a, b) => {
    const d = created.get(b.id)! - created.get(a.id)!;
    return d > 0n ? 1 : d < 0n ? -1 : 0;
  });
  const position = (ref: string) => {
    const i = sorted.findIndex((c) => c.id === ref || c.name === ref.replace(/^\//, ''));
    const j = i >= 0 ? i : uniquePrefix(sorted, ref);
    if (j < 0) throw new InvalidArgumentError(`No such container: ${ref}`);
    return j;
  };
  const beforeIdx = f.get('before')?.map(position);
  const sinceIdx = f.get('since')?.map(position);
  // An id filter selects by full ID or unique ID prefix, as the daemon's lookup does.
  const idMatches = f.has('id') ? new Set(f.get('id')!.map((p) => uniquePrefix(sorted, p)).filter((i) => i >= 0).map((i) => sorted[i]!.id)) : undefined;
  const ancestors = new Set((f.get('ancestor') ?? []).flatMap((a) => opts.imageAndDescendants(a)));
  const showAll = opts.all || f.has('status') || (opts.limit !== undefined && opts.limit > 0);

  const out = sorted.filter((c, i) => {
    if (beforeIdx && !beforeIdx.every((b) => i > b)) return false;
    if (sinceIdx && !sinceIdx.every((s) => i < s)) return false;
    if (!showAll && !isRunning(c.state)) return false;
    if (f.has('name') && !f.get('name')!.some((n) => regexMatches(n, `/${c.name}`) || regexMatches(n, c.name))) return false;
    if (idMatches && !idMatches.has(c.id)) return false;
    if (f.has('label') && !f.get('label')!.every((l) => labelMatches(c.config.Labels ?? {}, l))) return false;
    if (exitCodes.length > 0) {
      const stopped = !isRunning(c.state) && c.state.startedAt !== ZERO_TIME;
      if (!stopped || !exitCodes.includes(c.state.exitCode)) return false;
    }
    if (f.has('status') && !f.get('status')!.includes(c.state.status)) return false;
    if (f.has('ancestor') && !ancestors.has(c.imageId)) return false;
    // As moby: "none" is a container without a healthcheck; the others its current status.
    if (f.has('health') && !f.get('health')!.includes(c.state.health?.Status ?? 'none')) return false;
    if (f.has('volume') && !f.get('volume')!.some((v) => usesMount(c, v))) return false;
    return true;
  });
  return opts.limit !== undefined && opts.limit > 0 ? out.slice(0, opts.limit) : out;
}

/** Index of the one container whose ID is or starts with `prefix`; -1 when none or several. */
function uniquePrefix(sorted: ContainerRecord[], prefix: string): number {
  if (prefix === '') return -1;
  const exact = sorted.findIndex((c) => c.id === prefix);
  if (exact >= 0) return exact;
  const hits = sorted.flatMap((c, i) => (c.id.startsWith(prefix) ? [i] : []));
  return hits.length === 1 ? hits[0]! : -1;
}

/** volume=X: a mount whose destination is X, or whose volume name (a bind's source) is X. */
function usesMount(c: ContainerRecord, value: string): boolean {
  return (c.mounts ?? []).some((m) => m.destination === value || (m.name ? m.name : m.source) === value);
}

/** filters.Args.MatchKVList: "key" needs the label, "key=value" needs that value. */
export function labelMatches(labels: Record<string, string>, expr: string): boolean {
  const eq = expr.indexOf('=');
  if (eq < 0) return expr in labels;
  return labels[expr.slice(0, eq)] === expr.slice(eq + 1);
}
