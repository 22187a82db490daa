/**
 * The services' `depends_on` graph: checked (every dependency exists and is
 * enabled, no cycle — a cycle is spelled out "a → b → a") and walked in
 * dependency order, for `up` (dependencies first) and `down`/`stop`
 * (dependents first).
 */
import { InvalidArgumentError } from '../errors.js';
import type { ServiceConfig } from './types.js';

const depsOf = (s: ServiceConfig): string[] => Object.keys(s.depends_on ?? {});

/**
 * Throws for a dependency on an unknown service (or one left out by
 * profiles), and for the first cycle found. Optional dependencies
 * (`required: false`) that are missing are allowed.
 */
export function validateDependencies(services: Record<string, ServiceConfig>, disabled: Record<string, ServiceConfig> = {}): void {
  for (const s of Object.values(services)) {
    for (const [dep, d] of Object.entries(s.depends_on ?? {})) {
      if (services[dep] !== undefined || !d.required) continue;
      if (disabled[dep] !== undefined) {
        throw new InvalidArgumentError(`service ${JSON.stringify(s.name)} depends on service ${JSON.stringify(dep)}, which is disabled by its profiles`);
      }
      throw new InvalidArgumentError(`service ${JSON.stringify(s.name)} depends on undefined service ${JSON.stringify(dep)}`);
    }
  }
  const cycle = findCycle(services);
  if (cycle !== undefined) throw new InvalidArgumentError(`dependency cycle detected: ${cycle.join(' → ')}`);
}

/** The first cycle in the graph as a closed path ["a", "b", "a"], or undefined. */
export function findCycle(services: Record<string, ServiceConfig>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const st = state.get(name);
    if (st === 'done') return undefined;
    if (st === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of depsOf(services[name]!).sort()) {
      if (services[dep] === undefined) continue;
      const found = visit(dep);
      if (found !== undefined) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(services).sort()) {
    const found = visit(name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Service names, each after everything it depends on (ties by name). */
export function dependencyOrder(services: Record<string, ServiceConfig>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name) || services[name] === undefined) return;
    seen.add(name);
    for (const dep of depsOf(services[name]!).sort()) visit(dep);
    out.push(name);
  };
  for (const name of Object.keys(services).sort()) visit(name);
  return out;
}

/** The named services and, transitively, what they depend on. */
export function withDependencies(services: Record<string, ServiceConfig>, names: readonly string[]): string[] {
  const out = new Set<string>();
  const visit = (name: string): void => {
    if (out.has(name) || services[name] === undefined) return;
    out.add(name);
    for (const dep of depsOf(services[name]!)) visit(dep);
  };
  for (const n of names) visit(n);
  return dependencyOrder(services).filter((n) => out.has(n));
}

/**
 * Runs `work` for every named service once all of its dependencies (among
 * the named) have finished theirs; independent services run in parallel.
 * With `reverse`, dependents go first (for stop/down). The first failure
 * is thrown once everything already started has settled.
 */
export async function inDependencyOrder(
  services: Record<string, ServiceConfig>,
  names: readonly string[],
  work: (name: string) => Promise<void>,
  options: { reverse?: boolean } = {},
): Promise<void> {
  const selected = new Set(names);
  const waitsFor = new Map<string, string[]>();
  for (const n of selected) {
    if (options.reverse === true) {
      waitsFor.set(n, [...selected].filter((other) => depsOf(services[other]!).includes(n)));
    } else {
      waitsFor.set(n, depsOf(services[n]!).filter((d) => selected.has(d)));
    }
  }
  const done = new Map<string, Promise<void>>();
  const run = (n: string): Promise<void> => {
    let p = done.get(n);
    if (p === undefined) {
      p = Promise.all(waitsFor.get(n)!.map(run)).then(() => work(n));
      done.set(n, p);
    }
    return p;
  };
  const results = await Promise.allSettled([...selected].map(run));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}
