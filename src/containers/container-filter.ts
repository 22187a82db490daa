/**
 * `docker ps` selection: --all, --last/-n, and the filters status, name,
 * id, label, ancestor, exited, before, since — with Docker's semantics
 * (values of one key are OR'ed, different keys AND'ed).
 */
import { InvalidArgumentError } from '../errors.js';
import { isRunning, type ContainerRecord } from './container.js';

const FILTER_KEYS = new Set(['status', 'name', 'id', 'label', 'ancestor', 'exited', 'before', 'since', 'health', 'network', 'volume', 'publish', 'expose', 'isolation', 'is-task']);
const STATUSES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);

export interface ListOptions {
  all: boolean;
  limit?: number;
  filters: Map<string, string[]>;
  /** Image ID (or undefined) for an ancestor filter value. */
  resolveImage: (nameOrId: string) => string | undefined;
}

export function selectContainers(all: ContainerRecord[], opts: ListOptions): ContainerRecord[] {
  for (const k of opts.filters.keys()) if (!FILTER_KEYS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
  for (const s of opts.filters.get('status') ?? []) {
    if (!STATUSES.has(s)) throw new InvalidArgumentError(`invalid filter 'status=${s}'`);
  }
  const f = opts.filters;
  const sorted = [...all].sort((a, b) => b.created.localeCompare(a.created));
  const position = (ref: string) => {
    const i = sorted.findIndex((c) => c.id.startsWith(ref) || c.name === ref.replace(/^\//, ''));
    if (i < 0) throw new InvalidArgumentError(`No such container: ${ref}`);
    return i;
  };
  const beforeIdx = f.get('before')?.map(position);
  const sinceIdx = f.get('since')?.map(position);
  const ancestors = (f.get('ancestor') ?? []).map((a) => opts.resolveImage(a)).filter((x): x is string => !!x);
  // With filters other than status, Docker still hides stopped containers unless -a or a status/exited filter is given.
  const showAll = opts.all || f.has('status') || f.has('exited') || opts.limit !== undefined && opts.limit > 0;

  const out = sorted.filter((c, i) => {
    if (!showAll && !isRunning(c.state)) return false;
    if (f.has('status') && !f.get('status')!.includes(c.state.status)) return false;
    if (f.has('name') && !f.get('name')!.some((n) => new RegExp(n.replace(/^\//, '')).test(c.name))) return false;
    if (f.has('id') && !f.get('id')!.some((p) => c.id.startsWith(p))) return false;
    if (f.has('label') && !f.get('label')!.every((l) => labelMatches(c.config.Labels ?? {}, l))) return false;
    if (f.has('exited')) {
      if (c.state.status !== 'exited' || !f.get('exited')!.some((e) => Number(e) === c.state.exitCode)) return false;
    }
    if (f.has('ancestor') && !ancestors.includes(c.imageId)) return false;
    if (beforeIdx && !beforeIdx.every((b) => i > b)) return false;
    if (sinceIdx && !sinceIdx.every((s) => i < s)) return false;
    return true;
  });
  return opts.limit !== undefined && opts.limit > 0 ? out.slice(0, opts.limit) : out;
}

/** "key" matches any value; "key=value" matches exactly; "key!=value" excludes. */
export function labelMatches(labels: Record<string, string>, expr: string): boolean {
  const ne = expr.indexOf('!=');
  if (ne > 0) return labels[expr.slice(0, ne)] !== expr.slice(ne + 2);
  const eq = expr.indexOf('=');
  if (eq < 0) return expr in labels;
  return labels[expr.slice(0, eq)] === expr.slice(eq + 1);
}
