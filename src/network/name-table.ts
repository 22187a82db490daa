/**
 * The names the embedded DNS answers for: on each user-defined network,
 * every running container's name, network aliases, short ID and hostname
 * (Docker's DNSNames), also as "<name>.<network>". A client sees only the
 * names on networks it is itself on, as with Docker: two containers that
 * share no network do not find each other.
 *
 * Entries come and go with endpoints (a container starting, stopping,
 * connecting, disconnecting); several containers may share an alias, and
 * then the name has all their addresses (DNS round robin).
 */
import type { DnsAnswerSource } from './dns/index.js';

interface Entry {
  containerId: string;
  ipv4: string;
  /** Lower-case names. */
  names: string[];
  /** The container's own name, for PTR answers. */
  primary: string;
}

export interface NameTableNetwork {
  name: string;
  internal: boolean;
}

export class NameTable implements DnsAnswerSource {
  /** Network ID → endpoints on it. */
  readonly #byNetwork = new Map<string, Map<string, Entry>>();

  constructor(private readonly network: (id: string) => NameTableNetwork | undefined) {}

  register(networkId: string, e: { containerId: string; ipv4: string; names: readonly string[] }): void {
    let m = this.#byNetwork.get(networkId);
    if (!m) this.#byNetwork.set(networkId, (m = new Map()));
    const names = [...new Set(e.names.filter(Boolean).map((n) => n.toLowerCase()))];
    m.set(e.containerId, { containerId: e.containerId, ipv4: e.ipv4, names, primary: e.names[0] ?? e.containerId.slice(0, 12) });
  }

  unregister(networkId: string, containerId: string): void {
    const m = this.#byNetwork.get(networkId);
    m?.delete(containerId);
    if (m && m.size === 0) this.#byNetwork.delete(networkId);
  }

  /**
   * The networks (IDs) of the container at clientIp — all of them, not only the one the address
   * is on: a container on networks A and B asks A's gateway, and must still find B's containers.
   */
  #networksOf(clientIp: string): string[] {
    const owners = new Set<string>();
    for (const m of this.#byNetwork.values()) {
      for (const e of m.values()) if (e.ipv4 === clientIp) owners.add(e.containerId);
    }
    const out: string[] = [];
    for (const [id, m] of this.#byNetwork) {
      if ([...owners].some((c) => m.has(c))) out.push(id);
    }
    return out;
  }

  lookup(clientIp: string, name: string): string[] | undefined {
    const q = name.toLowerCase().replace(/\.$/, '');
    const found: string[] = [];
    let known = false;
    for (const id of this.#networksOf(clientIp)) {
      const netName = this.network(id)?.name.toLowerCase();
      for (const e of this.#byNetwork.get(id)?.values() ?? []) {
        if (e.names.some((n) => n === q || (netName !== undefined && `${n}.${netName}` === q))) {
          known = true;
          if (!found.includes(e.ipv4)) found.push(e.ipv4);
        }
      }
    }
    return known ? found : undefined;
  }

  reverse(clientIp: string, ip: string): string | undefined {
    for (const id of this.#networksOf(clientIp)) {
      for (const e of this.#byNetwork.get(id)?.values() ?? []) {
        if (e.ipv4 === ip) return `${e.primary}.${this.network(id)?.name ?? ''}`.replace(/\.$/, '');
      }
    }
    return undefined;
  }

  mayForward(clientIp: string): boolean {
    const nets = this.#networksOf(clientIp);
    // A client on an internal network only (and no other) gets no outside answers, as with Docker.
    return nets.length === 0 || nets.some((id) => this.network(id)?.internal === false);
  }
}
