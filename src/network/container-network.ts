/**
 * A container's place on networks: which networks it asked for (at create
 * and by `network connect`), and, while it runs, its endpoints — a network
 * namespace file, one veth per network with an address from the network's
 * pool, published ports, and its names in the embedded DNS.
 *
 *   create   → wishes(): NetworkMode + EndpointsConfig checked and kept
 *   start    → setUp(): netns file, endpoints (eth0 = NetworkMode's
 *              network, with the default route), ports; runc joins the netns
 *   exit     → tearDown(): ports, veths, netns, addresses released
 *   connect / disconnect on a running container: one endpoint added or
 *              removed live
 *   daemon restart → restore(): nothing is made again; addresses, names
 *              and host ports of running containers are taken back
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError, PermissionDeniedError } from '../errors.js';
import type { PortMapping } from './firewall/firewall.js';
import { cidrContains, macFor } from './ipam/index.js';
import { attachVeth, createNetns, detachVeth, hostIfnameFor, removeNetns } from './kernel/index.js';
import type { NameTable } from './name-table.js';
import type { Endpoint, EndpointWish, NetworkRecord } from './network-record.js';
import type { NetworkService } from './network-service.js';
import { portsJson, portWishes, type PortBindingsWire, type PortPublisher } from './port-publisher.js';

/** What a running container has on the host, kept in its record. */
export interface NetworkAttachment {
  netnsFile?: string;
  /** By network name. */
  endpoints: Record<string, Endpoint>;
  ports: PortMapping[];
}

/** The parts of a container record this file reads and writes. */
export interface ContainerNet {
  id: string;
  name: string;
  hostname: string;
  /** HostConfig.NetworkMode: bridge, host, none, container:<id|name>, or a network's name or ID. */
  mode: string;
  /** By network name: what the container asked for there. */
  wishes: Record<string, EndpointWish>;
  portBindings?: PortBindingsWire;
  exposed?: Record<string, unknown>;
  publishAll: boolean;
  attachment?: NetworkAttachment;
}

/** How runc is to set up the container's network namespace. */
export type NetnsSpec = { mode: 'host' } | { mode: 'none' } | { mode: 'private'; netnsPath: string };

/** Docker's EndpointSettings as the create and connect bodies carry them. */
export interface EndpointConfigWire {
  Aliases?: string[] | null;
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
  Links?: string[] | null;
}

export class ContainerNetworks {
  /** Network ID → IDs of running containers with an endpoint on it. */
  readonly #users = new Map<string, Set<string>>();

  constructor(
    private readonly networks: NetworkService,
    private readonly ports: PortPublisher,
    private readonly names: NameTable,
    /** Where netns files live (under the exec root). */
    private readonly netnsDir: string,
    /** container:<x> mode: the netns of another running container. */
    private readonly peer: (idOrName: string) => { id: string; running: boolean; attachment?: NetworkAttachment; pid: number },
  ) {}

  /** At create: checks NetworkMode and EndpointsConfig; the wishes to keep in the record. */
  wishes(mode: string, endpoints: Record<string, EndpointConfigWire | null> | undefined): Record<string, EndpointWish> {
    const out: Record<string, EndpointWish> = {};
    if (mode.startsWith('container:')) {
      if (Object.keys(endpoints ?? {}).length > 0) throw new InvalidArgumentError('conflicting options: networking config and container network mode');
      return out;
    }
    const primary = this.#known(mode);
    for (const [name, cfg] of Object.entries(endpoints ?? {})) {
      const n = this.#known(name);
      if ((n.driver === 'host' || n.driver === 'null') && n.id !== primary.id) throw new InvalidArgumentError(`container cannot be connected to network ${n.name} and to other networks`);
      out[n.name] = this.#wish(n, cfg ?? {});
    }
    if (!out[primary.name]) out[primary.name] = { aliases: [] };
    if ((primary.driver === 'host' || primary.driver === 'null') && Object.keys(out).length > 1) {
      throw new InvalidArgumentError(`container cannot be connected to network ${primary.name} and to other networks`);
    }
    return out;
  }

  /**
   * A network named at create: unknown is a 400, not a 404 — the docker CLI takes a 404 from
   * create for a missing image and tries to pull it.
   */
  #known(idOrName: string): NetworkRecord {
    const n = this.networks.store.tryGet(idOrName === 'default' ? 'bridge' : idOrName);
    if (!n) throw new InvalidArgumentError(`network ${idOrName} not found`);
    return n;
  }

  #wish(n: NetworkRecord, cfg: EndpointConfigWire): EndpointWish {
    const aliases = (cfg.Aliases ?? []).filter(Boolean);
    const ip = cfg.IPAMConfig?.IPv4Address || undefined;
    if (aliases.length > 0 && n.predefined) throw new InvalidArgumentError('network-scoped alias is supported only for containers in user defined networks');
    if (ip !== undefined) {
      if (n.predefined) throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
      if (!n.ipam.some((c) => cidrContains(c.subnet, ip))) throw new InvalidArgumentError(`no configured subnet or ip-range contain the IP address ${ip}`);
    }
    if (cfg.IPAMConfig?.IPv6Address) throw new InvalidArgumentError('IPv6 addresses are not supported by Berth yet');
    return { aliases, ...(ip ? { ipv4Address: ip } : {}) };
  }

  /** At start: the netns for runc, and the attachment to keep in the record. */
  async setUp(c: ContainerNet): Promise<{ spec: NetnsSpec; attachment?: NetworkAttachment }> {
    if (c.mode === 'host') return { spec: { mode: 'host' } };
    if (c.mode === 'none') return { spec: { mode: 'none' } };
    if (c.mode.startsWith('container:')) {
      const other = this.peer(c.mode.slice('container:'.length));
      if (!other.running) throw new ConflictError(`cannot join network of a non running container: ${other.id}`);
      return { spec: { mode: 'private', netnsPath: other.attachment?.netnsFile ?? `/proc/${other.pid}/ns/net` } };
    }
    const netnsFile = path.join(this.netnsDir, c.id.slice(0, 12));
    const attachment: NetworkAttachment = { netnsFile, endpoints: {}, ports: [] };
    await createNetns(netnsFile);
    try {
      const order = this.#order(c);
      for (const name of order) await this.#attach(c, attachment, this.networks.get(name), c.wishes[name] ?? { aliases: [] });
      const primary = Object.values(attachment.endpoints).find((e) => !this.networks.get(e.networkId).internal);
      const wanted = portWishes(c.portBindings, c.exposed, c.publishAll);
      if (wanted.length > 0) {
        if (!primary) throw new InvalidArgumentError('ports cannot be published from a container on internal networks only');
        attachment.ports = await this.ports.publish(wanted, { containerIp: primary.ipv4, bridge: this.networks.get(primary.networkId).bridge! });
      }
      return { spec: { mode: 'private', netnsPath: netnsFile }, attachment };
    } catch (err) {
      await this.tearDown({ ...c, attachment });
      throw err;
    }
  }

  /** NetworkMode's network first (it gives the default route), then the others by name. */
  #order(c: ContainerNet): string[] {
    const primary = this.networks.get(c.mode).name;
    return [primary, ...Object.keys(c.wishes).filter((n) => n !== primary).sort()];
  }

  async #attach(c: ContainerNet, a: NetworkAttachment, n: NetworkRecord, wish: EndpointWish): Promise<void> {
    if (n.driver !== 'bridge') throw new InvalidArgumentError(`container cannot be connected to network ${n.name} and to other networks`);
    const pool = this.networks.pool(n);
    const ipv4 = pool.allocate(wish.ipv4Address);
    const index = nextIndex(a);
    const first = Object.keys(a.endpoints).length === 0;
    const gw = n.ipam[0]!.gateway;
    const ep: Endpoint = {
      networkId: n.id,
      endpointId: randomBytes(32).toString('hex'),
      ipv4,
      prefixLen: Number(n.ipam[0]!.subnet.split('/')[1]),
      gateway: gw,
      mac: macFor(ipv4),
      hostIfname: hostIfnameFor(c.id, index),
      ifname: `eth${index}`,
    };
    try {
      await attachVeth({
        bridge: n.bridge!,
        hostIfname: ep.hostIfname,
        netnsFile: a.netnsFile!,
        ifname: ep.ifname,
        addressCidr: `${ipv4}/${ep.prefixLen}`,
        mac: ep.mac,
        // The first network that reaches outside gives the default route; internal ones never do.
        ...(first && !n.internal ? { gateway: gw } : {}),
      });
    } catch (err) {
      pool.release(ipv4);
      throw err;
    }
    a.endpoints[n.name] = ep;
    this.#use(n.id, c.id, true);
    this.networks.logEvent(n, 'connect', { container: c.id });
    if (!n.predefined) this.names.register(n.id, { containerId: c.id, ipv4, names: dnsNames(c, wish) });
  }

  /** At exit (and when a start fails half way): everything setUp made goes, in reverse. */
  async tearDown(c: ContainerNet): Promise<void> {
    const a = c.attachment;
    if (!a) return;
    await this.ports.unpublish(a.ports);
    a.ports = [];
    // The veths are not deleted one by one: a link deletion waits for an RCU grace period
    // (15–50 ms each); the kernel deletes them itself when the namespace goes.
    for (const [name, ep] of Object.entries(a.endpoints)) await this.#detach(c, a, name, ep, false);
    if (a.netnsFile) await removeNetns(a.netnsFile);
  }

  async #detach(c: ContainerNet, a: NetworkAttachment, name: string, ep: Endpoint, deleteLink: boolean): Promise<void> {
    if (deleteLink) await detachVeth(ep.hostIfname).catch(() => undefined);
    const n = this.networks.store.tryGet(ep.networkId);
    if (n) this.networks.pool(n).release(ep.ipv4);
    this.names.unregister(ep.networkId, c.id);
    this.#use(ep.networkId, c.id, false);
    delete a.endpoints[name];
    if (n) this.networks.logEvent(n, 'disconnect', { container: c.id });
  }

  /** After a daemon restart, for each running container: take back its addresses, names and host ports. */
  async restore(c: ContainerNet): Promise<void> {
    const a = c.attachment;
    if (!a) return;
    for (const ep of Object.values(a.endpoints)) {
      const n = this.networks.store.tryGet(ep.networkId);
      if (!n) continue;
      this.networks.pool(n).markUsed(ep.ipv4);
      this.#use(n.id, c.id, true);
      if (!n.predefined) this.names.register(n.id, { containerId: c.id, ipv4: ep.ipv4, names: dnsNames(c, c.wishes[n.name] ?? { aliases: [] }) });
    }
    await this.ports.restore(a.ports);
  }

  /** `network connect`: a new wish; on a running container also a live endpoint. */
  async connect(c: ContainerNet, running: boolean, networkIdOrName: string, cfg: EndpointConfigWire): Promise<void> {
    const n = this.networks.get(networkIdOrName);
    if (c.mode === 'host' || c.mode === 'none' || c.mode.startsWith('container:')) {
      throw new PermissionDeniedError(`container sharing network namespace with another container or host cannot be connected to any other network`);
    }
    if (n.driver !== 'bridge') throw new PermissionDeniedError(`container cannot be disconnected from host network or connected to host network`);
    if (c.wishes[n.name]) throw new PermissionDeniedError(`endpoint with name ${c.name} already exists in network ${n.name}`);
    const wish = this.#wish(n, cfg);
    if (running && c.attachment) await this.#attach(c, c.attachment, n, wish);
    c.wishes[n.name] = wish;
  }

  /** `network disconnect`. */
  async disconnect(c: ContainerNet, networkIdOrName: string): Promise<void> {
    const n = this.networks.get(networkIdOrName);
    if (n.driver !== 'bridge') throw new PermissionDeniedError(`container cannot be disconnected from host network or connected to host network`);
    if (!c.wishes[n.name]) throw new NotFoundError(`container ${c.id} is not connected to network ${n.name}`);
    const ep = c.attachment?.endpoints[n.name];
    if (ep && c.attachment) {
      const published = c.attachment.ports.filter((p) => p.containerIp === ep.ipv4);
      await this.ports.unpublish(published);
      c.attachment.ports = c.attachment.ports.filter((p) => p.containerIp !== ep.ipv4);
      await this.#detach(c, c.attachment, n.name, ep, true);
    }
    delete c.wishes[n.name];
  }

  /** IDs of running containers with an endpoint on the network. */
  usersOf(networkId: string): string[] {
    return [...(this.#users.get(networkId) ?? [])];
  }

  #use(networkId: string, containerId: string, on: boolean): void {
    let s = this.#users.get(networkId);
    if (!s) this.#users.set(networkId, (s = new Set()));
    if (on) s.add(containerId);
    else s.delete(containerId);
  }

  /** Inspect's NetworkSettings. */
  settingsJson(c: ContainerNet): Record<string, unknown> {
    const a = c.attachment;
    const networks: Record<string, unknown> = {};
    for (const [name, wish] of Object.entries(c.wishes)) {
      const n = this.networks.store.tryGet(name);
      const ep = a?.endpoints[name];
      networks[name] = {
        IPAMConfig: wish.ipv4Address ? { IPv4Address: wish.ipv4Address } : null,
        Links: null,
        Aliases: wish.aliases.length ? wish.aliases : null,
        MacAddress: ep?.mac ?? '',
        DriverOpts: null,
        NetworkID: n?.id ?? '',
        EndpointID: ep?.endpointId ?? '',
        Gateway: ep?.gateway ?? '',
        IPAddress: ep?.ipv4 ?? '',
        IPPrefixLen: ep?.prefixLen ?? 0,
        IPv6Gateway: '',
        GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0,
        DNSNames: ep && n && !n.predefined ? dnsNames(c, wish) : null,
      };
    }
    const def = a?.endpoints['bridge'];
    return {
      Bridge: '',
      SandboxID: a?.netnsFile ? c.id : '',
      SandboxKey: a?.netnsFile ?? '',
      Ports: a ? portsJson(c.exposed, a.ports) : {},
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      // The top-level fields describe the default bridge only (Docker's legacy fields).
      EndpointID: def?.endpointId ?? '',
      Gateway: def?.gateway ?? '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: def?.ipv4 ?? '',
      IPPrefixLen: def?.prefixLen ?? 0,
      IPv6Gateway: '',
      MacAddress: def?.mac ?? '',
      Networks: networks,
    };
  }

  /** /etc/hosts lines naming the container, and resolv.conf's nameserver for user networks. */
  etc(c: ContainerNet): { hostsLines: string[]; nameserver?: string } {
    const eps = Object.values(c.attachment?.endpoints ?? {});
    const hostsLines = eps.map((e) => `${e.ipv4}\t${c.hostname}`);
    const user = eps.find((e) => !this.networks.get(e.networkId).predefined);
    return { hostsLines, ...(user ? { nameserver: user.gateway } : {}) };
  }
}

/** Docker's DNSNames: the container's name, its aliases on the network, its short ID (and hostname when different). */
function dnsNames(c: ContainerNet, wish: EndpointWish): string[] {
  const names = [c.name, ...wish.aliases, c.id.slice(0, 12)];
  if (c.hostname && !names.includes(c.hostname)) names.push(c.hostname);
  return names;
}

function nextIndex(a: NetworkAttachment): number {
  const used = new Set(Object.values(a.endpoints).map((e) => Number(e.ifname.slice(3))));
  let i = 0;
  while (used.has(i)) i++;
  return i;
}
