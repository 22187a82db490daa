/** Engine API network routes: /networks… (list, inspect, create, remove, prune, connect, disconnect). */
import { InvalidArgumentError } from '../../errors.js';
import type { EndpointConfigWire } from '../../network/container-network.js';
import type { NetworkRecord } from '../../network/network-record.js';
import type { NetworkCreateBody } from '../../network/network-service.js';
import { parseTimestamp } from '../../units/timestamp.js';
import { queryFilters, type Router } from '../router.js';
import type { Services } from './services.js';

const LIST_FILTERS = new Set(['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type']);
const PRUNE_FILTERS = new Set(['label', 'label!', 'until']);

export function networkRoutes(r: Router, s: Services): void {
  const inspectJson = (n: NetworkRecord): Record<string, unknown> => {
    const containers: Record<string, unknown> = {};
    for (const c of s.networking.containersOn(n.id)) {
      containers[c.id] = { Name: c.name, EndpointID: c.endpoint.endpointId, MacAddress: c.endpoint.mac, IPv4Address: `${c.endpoint.ipv4}/${c.endpoint.prefixLen}`, IPv6Address: '' };
    }
    return { ...s.networks.json(n), Containers: containers };
  };

  r.add('GET', '/networks', async (ctx) => {
    const filters = queryFilters(ctx.query);
    for (const k of filters.keys()) if (!LIST_FILTERS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    const inUse = (n: NetworkRecord) => s.networking.containersOn(n.id).length > 0;
    const rows = s.networks.list().filter((n) => matches(n, filters, inUse));
    ctx.json(200, rows.map((n) => s.networks.json(n)));
  });

  r.add('GET', '/networks/:id', async (ctx) => {
    ctx.json(200, inspectJson(s.networks.get(ctx.params.id!)));
  });

  r.add('POST', '/networks/create', async (ctx) => {
    const body = await ctx.body<NetworkCreateBody>();
    if (!body || typeof body !== 'object') throw new InvalidArgumentError('a network create body (JSON) is required');
    ctx.json(201, await s.networks.create(body));
  });

  r.add('DELETE', '/networks/:id', async (ctx) => {
    await s.networks.remove(ctx.params.id!, (id) => s.networking.containersOn(id).map((c) => c.id));
    ctx.noContent(204);
  });

  r.add('POST', '/networks/prune', async (ctx) => {
    const filters = queryFilters(ctx.query);
    for (const k of filters.keys()) if (!PRUNE_FILTERS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    const until = filters.get('until')?.[0];
    // Docker's filters.GetTimestamp: a Unix time, an RFC 3339 date, or a Go duration before now ("10m").
    const cutoff = until === undefined ? undefined : parseTimestamp(until, new Date()) * 1000;
    const removed = await s.networks.prune(
      (id) => s.networking.containersOn(id).map((c) => c.id),
      (n) => labelsMatch(n.labels, filters.get('label') ?? [], filters.get('label!') ?? []) && (cutoff === undefined || Date.parse(n.created) < cutoff),
    );
    ctx.json(200, { NetworksDeleted: removed.length ? removed : null });
  });

  r.add('POST', '/networks/:id/connect', async (ctx) => {
    const body = await ctx.body<{ Container?: string; EndpointConfig?: EndpointConfigWire | null }>();
    if (!body?.Container) throw new InvalidArgumentError('a container is required (Container)');
    await s.networking.connect(body.Container, ctx.params.id!, body.EndpointConfig ?? {});
    ctx.noContent(200);
  });

  r.add('POST', '/networks/:id/disconnect', async (ctx) => {
    const body = await ctx.body<{ Container?: string; Force?: boolean }>();
    if (!body?.Container) throw new InvalidArgumentError('a container is required (Container)');
    await s.networking.disconnect(body.Container, ctx.params.id!, !!body.Force);
    ctx.noContent(200);
  });
}

/** Docker's network list filters: name is a substring, id a prefix, label key or key=value. */
function matches(n: NetworkRecord, f: Map<string, string[]>, inUse: (n: NetworkRecord) => boolean): boolean {
  const any = (key: string, test: (v: string) => boolean) => !f.has(key) || f.get(key)!.some(test);
  if (!any('name', (v) => n.name.includes(v))) return false;
  if (!any('id', (v) => n.id.startsWith(v))) return false;
  if (!any('driver', (v) => v === n.driver)) return false;
  if (!any('scope', (v) => v === 'local')) return false;
  if (!any('type', (v) => (v === 'builtin' ? n.predefined : v === 'custom' ? !n.predefined : fail(`invalid filter: 'type'='${v}'`)))) return false;
  if (!any('dangling', (v) => (isTrue(v) ? !n.predefined && !inUse(n) : !isTrue(v) && (n.predefined || inUse(n))))) return false;
  return labelsMatch(n.labels, f.get('label') ?? [], []);
}

function labelsMatch(labels: Record<string, string>, want: string[], notWant: string[]): boolean {
  const has = (spec: string) => {
    const eq = spec.indexOf('=');
    return eq < 0 ? spec in labels : labels[spec.slice(0, eq)] === spec.slice(eq + 1);
  };
  return want.every(has) && !notWant.some(has);
}

function isTrue(v: string): boolean {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return fail(`invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`);
}

function fail(message: string): never {
  throw new InvalidArgumentError(message);
}
