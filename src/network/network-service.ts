/**
 * Networks: the predefined three (bridge, host, none) and user-defined
 * bridge networks — create, list, inspect, remove, prune — and what each
 * needs on the host: a Linux bridge with the gateway address, firewall
 * rules (masquerade, isolation, --internal), an address pool, and for
 * user-defined ones the embedded DNS on the gateway address.
 *
 * Containers' endpoints on these networks are container-network.ts; this
 * file answers "which networks, with which subnets" and keeps the
 * per-network state (address pools) that endpoints draw from.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { AlreadyExistsError, ConflictError, InvalidArgumentError, NotFoundError, PermissionDeniedError } from '../errors.js';
import { nowRfc3339Nano } from '../containers/clock.js';
import type { GatewayDns } from './lazy-dns.js';
import type { Firewall } from './firewall/firewall.js';
import { AddressPool, allocateSubnet, canonicalCidr, cidrContains, findOverlap, formatIPv4, parseCidr, parseSubnet, DEFAULT_BRIDGE_SUBNET, type PoolSpec } from './ipam/index.js';
import { ensureBridge, listAddresses, removeBridge } from './kernel/index.js';
import { networkJson, type NetworkRecord } from './network-record.js';
import type { NetworkStore } from './network-store.js';

export interface NetworkOptions {
  /** The default bridge's Linux name (Docker: docker0). */
  bridgeName: string;
  /** The default bridge's gateway and subnet (Docker's --bip). */
  bip: string;
  /** Subnets for user-defined networks (Docker's --default-address-pool); Docker's defaults when absent. */
  pools?: PoolSpec[];
}

/** Docker's POST /networks/create body, the fields Berth reads. */
export interface NetworkCreateBody {
  Name?: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: Array<{ Subnet?: string; IPRange?: string; Gateway?: string; AuxiliaryAddresses?: Record<string, string> }> | null; Options?: Record<string, string> | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  ConfigOnly?: boolean;
  ConfigFrom?: { Network?: string } | null;
  Scope?: string;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export class NetworkService {
  /** 'event' payloads `{ type: 'network', action, id, attributes }` (create, connect, disconnect, destroy, prune), for the event bus. */
  readonly events = new EventEmitter();
  readonly #pools = new Map<string, AddressPool>();

  constructor(
    readonly store: NetworkStore,
    private readonly firewall: Firewall,
    private readonly dns: GatewayDns,
    private readonly opts: NetworkOptions,
  ) {}

  /** At daemon start: the predefined networks, and every bridge, rule and DNS listener, made again if missing. */
  async init(): Promise<void> {
    await this.store.init();
    await this.#ensurePredefined();
    await this.firewall.init();
    for (const n of this.store.list()) {
      if (n.driver !== 'bridge') continue;
      await this.#bringUp(n);
    }
  }

  async #ensurePredefined(): Promise<void> {
    const bridge = this.store.tryGet('bridge');
    const gateway = this.opts.bip.split('/')[0]!;
    const subnet = canonicalCidr(parseCidr(this.opts.bip));
    if (bridge && (bridge.bridge !== this.opts.bridgeName || bridge.ipam[0]?.subnet !== subnet || bridge.ipam[0]?.gateway !== gateway)) {
      // --bip or the bridge name changed since the last start: the default network follows the daemon's flags.
      await this.store.delete(bridge.id);
    }
    const make = async (name: string, driver: NetworkRecord['driver'], extra: Partial<NetworkRecord> = {}) => {
      if (this.store.tryGet(name)) return;
      await this.store.add({ id: newNetworkId(), name, driver, created: nowRfc3339Nano(), internal: false, attachable: false, labels: {}, options: {}, ipam: [], predefined: true, ...extra });
    };
    await make('bridge', 'bridge', {
      bridge: this.opts.bridgeName,
      ipam: [{ subnet, gateway }],
      options: {
        'com.docker.network.bridge.default_bridge': 'true',
        'com.docker.network.bridge.enable_icc': 'true',
        'com.docker.network.bridge.enable_ip_masquerade': 'true',
        'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
        'com.docker.network.bridge.name': this.opts.bridgeName,
        'com.docker.network.driver.mtu': '1500',
      },
    });
    await make('host', 'host');
    await make('none', 'null');
  }

  async #bringUp(n: NetworkRecord): Promise<void> {
    const c = n.ipam[0]!;
    const prefix = c.subnet.split('/')[1];
    await ensureBridge({ name: n.bridge!, gatewayCidr: `${c.gateway}/${prefix}` });
    await this.firewall.addNetwork({ bridge: n.bridge!, subnet: c.subnet, internal: n.internal });
    this.pool(n);
    if (!n.predefined) await this.dns.listen(c.gateway);
  }

  /** The address pool of a bridge network (made on first use). */
  pool(n: NetworkRecord): AddressPool {
    let p = this.#pools.get(n.id);
    if (!p) {
      const c = n.ipam[0];
      if (!c) throw new InvalidArgumentError(`network ${n.name} has no IPv4 configuration`);
      p = new AddressPool(c.subnet, { gateway: c.gateway, ...(c.ipRange ? { range: c.ipRange } : {}) });
      this.#pools.set(n.id, p);
    }
    return p;
  }

  get(idOrName: string): NetworkRecord {
    return this.store.get(idOrName);
  }

  list(): NetworkRecord[] {
    return this.store.list().sort((a, b) => a.name.localeCompare(b.name));
  }

  async create(body: NetworkCreateBody): Promise<{ Id: string; Warning: string }> {
    const name = body.Name ?? '';
    if (!name) throw new InvalidArgumentError('network name is required');
    if (!NAME.test(name)) throw new InvalidArgumentError(`invalid network name ${JSON.stringify(name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const driver = body.Driver || 'bridge';
    if (['bridge', 'host', 'none'].includes(name) && this.store.tryGet(name)) throw new PermissionDeniedError(`operation is not permitted on predefined ${name} network`);
    if (this.store.list().some((n) => n.name === name)) throw new AlreadyExistsError(`network with name ${name} already exists`);
    if (driver !== 'bridge') {
      if (driver === 'host' || driver === 'null') throw new PermissionDeniedError(`only one instance of "${driver}" network is allowed`);
      throw new NotFoundError(`plugin "${driver}" not found`);
    }
    if (body.EnableIPv6) throw new InvalidArgumentError('IPv6 networks are not supported by Berth yet');
    if (body.ConfigOnly || body.ConfigFrom?.Network) throw new InvalidArgumentError('config-only networks are not supported by Berth');
    if (body.IPAM?.Driver && body.IPAM.Driver !== 'default') throw new NotFoundError(`plugin "${body.IPAM.Driver}" not found`);
    const configs = body.IPAM?.Config ?? [];
    if (configs.length > 1) throw new InvalidArgumentError('only one IPv4 subnet per network is supported by Berth');
    const ipam = await this.#ipamFor(configs[0]);
    const id = newNetworkId();
    const rec: NetworkRecord = {
      id,
      name,
      driver: 'bridge',
      created: nowRfc3339Nano(),
      internal: !!body.Internal,
      attachable: !!body.Attachable,
      labels: body.Labels ?? {},
      options: body.Options ?? {},
      ipam: [ipam],
      bridge: body.Options?.['com.docker.network.bridge.name'] || `br-${id.slice(0, 12)}`,
      predefined: false,
    };
    if (rec.bridge!.length > 15) throw new InvalidArgumentError(`bridge name ${rec.bridge} is longer than 15 characters`);
    await this.store.add(rec);
    try {
      await this.#bringUp(rec);
    } catch (err) {
      await this.#tearDown(rec).catch(() => undefined);
      await this.store.delete(rec.id);
      throw err;
    }
    this.logEvent(rec, 'create');
    return { Id: id, Warning: '' };
  }

  async #ipamFor(c: { Subnet?: string; IPRange?: string; Gateway?: string } | undefined): Promise<{ subnet: string; gateway: string; ipRange?: string }> {
    const taken = this.store.list().flatMap((n) => n.ipam.map((i) => i.subnet));
    if (!c?.Subnet) {
      if (c?.Gateway || c?.IPRange) throw new InvalidArgumentError('a gateway or an IP range needs a subnet (--subnet)');
      // The default bridge's subnet counts as taken even when --bip moved it, as Docker's pools start there.
      const routes = (await listAddresses()).map((a) => a.cidr);
      const subnet = allocateSubnet([...taken, DEFAULT_BRIDGE_SUBNET], routes, this.opts.pools);
      return { subnet, gateway: firstHost(subnet) };
    }
    const subnet = canonicalCidr(parseSubnet(c.Subnet)); // refuses host bits, with the reason
    const clash = findOverlap(subnet, taken);
    if (clash) {
      const other = this.store.list().find((n) => n.ipam.some((i) => i.subnet === clash));
      throw new ConflictError(`Pool overlaps with other one on this address space (network ${other?.name ?? '?'} has ${clash})`);
    }
    const gateway = c.Gateway ?? firstHost(subnet);
    if (!cidrContains(subnet, gateway)) throw new InvalidArgumentError(`gateway ${gateway} is not in subnet ${subnet}`);
    // The pool checks the range (inside the subnet, a valid block) before anything is made.
    if (c.IPRange) new AddressPool(subnet, { gateway, range: c.IPRange });
    return { subnet, gateway, ...(c.IPRange ? { ipRange: canonicalCidr(parseSubnet(c.IPRange)) } : {}) };
  }

  /** `inUse`: the IDs of running containers with an endpoint on the network. */
  async remove(idOrName: string, inUse: (networkId: string) => string[]): Promise<void> {
    const n = this.store.get(idOrName);
    if (n.predefined) throw new PermissionDeniedError(`${n.name} is a pre-defined network and cannot be removed`);
    const users = inUse(n.id);
    if (users.length > 0) throw new PermissionDeniedError(`error while removing network: network ${n.name} id ${n.id} has active endpoints`);
    await this.#tearDown(n);
    await this.store.delete(n.id);
    this.logEvent(n, 'destroy');
  }

  /** moby's LogNetworkEventWithAttributes: the network's name and driver, and what the caller adds. */
  logEvent(n: NetworkRecord, action: string, attributes: Record<string, string> = {}): void {
    this.events.emit('event', { type: 'network', action, id: n.id, attributes: { ...attributes, name: n.name, type: n.driver } });
  }

  async #tearDown(n: NetworkRecord): Promise<void> {
    const c = n.ipam[0];
    if (c && !n.predefined) await this.dns.close(c.gateway).catch(() => undefined);
    await this.firewall.removeNetwork(n.bridge!).catch(() => undefined);
    await removeBridge(n.bridge!);
    this.#pools.delete(n.id);
  }

  /** Removes every user-defined network no running container uses (filters: label, until). */
  async prune(inUse: (networkId: string) => string[], keep: (n: NetworkRecord) => boolean): Promise<string[]> {
    const removed: string[] = [];
    for (const n of this.list()) {
      if (n.predefined || inUse(n.id).length > 0 || !keep(n)) continue;
      try {
        await this.remove(n.id, inUse);
        removed.push(n.name);
      } catch {
        // in use by now, or already gone: prune goes on with the others
      }
    }
    this.events.emit('event', { type: 'network', action: 'prune', id: '', reclaimed: 0 });
    return removed;
  }

  json(n: NetworkRecord): Record<string, unknown> {
    return networkJson(n);
  }

  /** The daemon is stopping: DNS listeners close; bridges and rules stay for running containers. */
  async close(): Promise<void> {
    await this.dns.closeAll();
  }
}

export function newNetworkId(): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex');
}

/** The subnet's first host address: the gateway unless the user names one. */
function firstHost(subnet: string): string {
  return formatIPv4(parseCidr(subnet).address + 1);
}
