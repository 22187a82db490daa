/**
 * Scopes in Docker's token-auth syntax (`repository:library/busybox:pull,push`,
 * `registry:catalog:*`) and the `Access` values they stand for; shared by the
 * server side (challenges, tokens, ACL) and the client side (token requests).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Access } from './types.js';

export type Action = Access['actions'][number];
const ACTIONS: ReadonlySet<string> = new Set(['pull', 'push', 'delete', '*']);

/**
 * Parses one scope. The name may itself hold colons (a resource class such as
 * `repository(plugin)` sits in the type; a name never ends in one), so the
 * type is the first field and the actions the last, as distribution does.
 * Unknown actions are dropped rather than refused: a token server grants a
 * subset of what is asked.
 */
export function parseScope(scope: string): Access {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first || last === scope.length - 1) {
    throw new InvalidArgumentError(`invalid scope: ${scope}`);
  }
  const rawType = scope.slice(0, first).replace(/\(.*\)$/, '');
  if (rawType !== 'repository' && rawType !== 'registry') throw new InvalidArgumentError(`invalid scope type: ${scope}`);
  const name = scope.slice(first + 1, last);
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter((a): a is Action => ACTIONS.has(a));
  return { type: rawType, name, actions: unique(actions) };
}

/** Splits a `scope` value that may carry several scopes separated by spaces. */
export function parseScopes(values: Iterable<string>): Access[] {
  const out: Access[] = [];
  for (const value of values) {
    for (const s of value.split(' ')) if (s !== '') out.push(parseScope(s));
  }
  return mergeAccess(out);
}

export function formatScope(access: Access): string {
  return `${access.type}:${access.name}:${access.actions.join(',')}`;
}

/** Joins accesses on the same resource, so one scope per resource is sent or granted. */
export function mergeAccess(list: Access[]): Access[] {
  const byKey = new Map<string, Access>();
  for (const a of list) {
    const key = `${a.type}:${a.name}`;
    const seen = byKey.get(key);
    if (seen) seen.actions = unique([...seen.actions, ...a.actions]);
    else byKey.set(key, { type: a.type, name: a.name, actions: unique([...a.actions]) });
  }
  return [...byKey.values()];
}

/** True when `granted` allows every action of every `wanted` access (`*` covers all). */
export function covers(granted: Access[], wanted: Access[]): boolean {
  return wanted.every((w) => {
    const g = granted.filter((x) => x.type === w.type && x.name === w.name).flatMap((x) => x.actions);
    return g.includes('*') || w.actions.every((a) => g.includes(a));
  });
}

/**
 * The access a registry route needs, as distribution computes it: reads need
 * pull; writes (POST/PUT/PATCH) need pull and push; DELETE needs delete. A
 * cross-repository mount (`?from=`) also needs pull on the source.
 */
export function accessFor(method: string, repository: string, mountFrom?: string): Access[] {
  const m = method.toUpperCase();
  let actions: Action[];
  if (m === 'GET' || m === 'HEAD') actions = ['pull'];
  else if (m === 'DELETE') actions = ['delete'];
  else actions = ['pull', 'push'];
  const out: Access[] = [{ type: 'repository', name: repository, actions }];
  if (mountFrom !== undefined && mountFrom !== '') out.push({ type: 'repository', name: mountFrom, actions: ['pull'] });
  return mergeAccess(out);
}

/** The access `GET /v2/_catalog` needs. */
export function catalogAccess(): Access[] {
  return [{ type: 'registry', name: 'catalog', actions: ['*'] }];
}

function unique<T>(list: T[]): T[] {
  return [...new Set(list)];
}
