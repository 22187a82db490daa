/**
 * Packet filtering and NAT for Berth's bridge networks, and published ports,
 * all in the kernel (iptables, nf_tables backend) with no userland proxy.
 *
 * Lifecycle, as the daemon drives it:
 *
 *   init()                 at every daemon start, with containers possibly still
 *                          running: creates the prefix's chains and the jumps into
 *                          them if missing; never flushes anything
 *   addNetwork(n)          when a bridge comes up (and again at every start):
 *                          masquerade, forward accepts, isolation; idempotent
 *   publish(m)             per port, when a container starts and its IP is known
 *                          (and again after a restart: idempotent)
 *   unpublish(m)           when the container stops; idempotent
 *   removeNetwork(bridge)  when the network is removed: every rule naming the
 *                          bridge, and the DNATs into its subnet
 *   teardown()             `berthd --cleanup` and tests: every rule and chain of
 *                          this prefix, and the jumps into them
 *
 * Because the rules are in the kernel, published ports keep answering while
 * berthd is down. Each change reads the current tables (iptables-save),
 * computes what is missing or left over, and applies the difference as one
 * iptables-restore transaction, so a rule is never added twice and a
 * deletion only removes the exact text this module built (see ruleset.ts).
 * The chains are documented in chains.ts.
 *
 * What the kernel side must provide (src/network/kernel sets it): the
 * ip_forward sysctl (forwarding from other machines and between bridges),
 * route_localnet=1 on each bridge (a DNAT of 127.0.0.1 routed out of the
 * bridge), and hairpin mode on each container's bridge port when
 * br_netfilter is loaded (a container using its own published port).
 */
import { IptablesTool } from '../../host/iptables-tool.js';
import { builtinJumps, chainNames, ownChains, staticRules, type ChainNames, type Rule } from './chains.js';
import { acceptRule, checkBridge, dnatRule, networkChains, networkRules, subnetContains, type NetworkSpec, type PortMapping } from './rules.js';
import { mentionsInterface, optionValue, RestoreScript, TableState, words, type Tables } from './ruleset.js';

export type { NetworkSpec, PortMapping } from './rules.js';
export { PortReserver } from './port-reserver.js';

export interface FirewallOptions {
  /** Chain prefix: 'BERTH' in production, e.g. 'BT1a2b' in tests; at most 10 characters. */
  prefix: string;
  /** Run every iptables command inside the network namespace bound at this file (tests). */
  netnsFile?: string;
}

export class Firewall {
  readonly chains: ChainNames;
  readonly #ipt: IptablesTool;
  /** One change at a time: each computes its script from a fresh read of the tables. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(o: FirewallOptions) {
    this.chains = chainNames(o.prefix);
    this.#ipt = new IptablesTool(o.netnsFile === undefined ? {} : { netnsFile: o.netnsFile });
  }

  async init(): Promise<void> {
    return this.#change((t) => {
      const c = this.chains;
      const s = new RestoreScript();
      for (const [table, chains] of Object.entries(ownChains(c)) as Array<[keyof Tables, string[]]>) {
        for (const chain of chains) if (!t[table].chains.has(chain)) s.declareChain(table, chain);
      }
      for (const r of staticRules(c)) {
        if (t[r.table].has(r.chain, r.spec)) continue;
        if (r.first) s.insert(r, 1);
        else s.append(r);
      }
      const jumps = builtinJumps(c);
      for (const r of jumps.appended) if (!t[r.table].has(r.chain, r.spec)) s.append(r);
      // USER must be consulted before FORWARD; if either is missing or they
      // are out of order, put both back at the top of FORWARD.
      const [user, forward] = jumps.forwardTop as [Rule, Rule];
      const fw = t.filter.rules('FORWARD');
      const iu = fw.indexOf(user.spec);
      const iff = fw.indexOf(forward.spec);
      if (iu < 0 || iff < 0 || iu > iff) {
        for (const r of [user, forward]) for (let k = t.filter.count(r.chain, r.spec); k > 0; k--) s.delete(r);
        s.insert(forward, 1).insert(user, 1);
      }
      return s;
    });
  }

  async addNetwork(n: NetworkSpec): Promise<void> {
    const wanted = networkRules(this.chains, n);
    return this.#change((t) => {
      const s = new RestoreScript();
      // Per chain, this bridge's rules must be exactly `wanted`, in order;
      // anything else (a changed icc or internal flag, a rule lost or
      // duplicated) is replaced as a block.
      for (const { table, chain } of networkChains(this.chains)) {
        const want = wanted.filter((r) => r.chain === chain && r.table === table).map((r) => r.spec);
        const have = t[table].rules(chain).filter((spec) => mentionsInterface(spec, n.bridge));
        if (have.length === want.length && have.every((spec, i) => spec === want[i])) continue;
        for (const spec of have) s.delete({ table, chain, spec });
        for (const spec of want) s.append({ table, chain, spec });
      }
      return s;
    });
  }

  async removeNetwork(bridge: string): Promise<void> {
    checkBridge(bridge);
    return this.#change((t) => {
      const c = this.chains;
      const s = new RestoreScript();
      const subnets = new Set<string>();
      for (const { table, chain } of [...networkChains(c), { table: 'filter' as const, chain: c.main }]) {
        for (const spec of t[table].rules(chain)) {
          if (!mentionsInterface(spec, bridge)) continue;
          const w = words(spec);
          const si = w.indexOf('-s');
          if (table === 'nat' && si >= 0 && w[si - 1] !== '!') subnets.add(w[si + 1]!);
          s.delete({ table, chain, spec });
        }
      }
      // DNATs of containers still published on this network (normally they
      // were unpublished first): found by their destination in the subnet.
      for (const spec of t.nat.rules(c.main)) {
        const ip = optionValue(spec, '--to-destination')?.split(':')[0];
        if (ip !== undefined && [...subnets].some((net) => subnetContains(net, ip))) s.delete({ table: 'nat', chain: c.main, spec });
      }
      return s;
    });
  }

  async publish(m: PortMapping): Promise<void> {
    const dnat = dnatRule(this.chains, m);
    const accept = acceptRule(this.chains, m);
    return this.#change((t) => {
      const s = new RestoreScript();
      // The accept first: no moment where the DNAT sends traffic to a port the filter drops.
      if (!t.filter.has(accept.chain, accept.spec)) s.append(accept);
      if (!t.nat.has(dnat.chain, dnat.spec)) s.append(dnat);
      return s;
    });
  }

  async unpublish(m: PortMapping): Promise<void> {
    const dnat = dnatRule(this.chains, m);
    const accept = acceptRule(this.chains, m);
    const target = `${m.containerIp}:${m.containerPort}`;
    return this.#change((t) => {
      const s = new RestoreScript();
      for (let k = t.nat.count(dnat.chain, dnat.spec); k > 0; k--) s.delete(dnat);
      const shared = t.nat
        .rules(this.chains.main)
        .some((spec) => spec !== dnat.spec && optionValue(spec, '--to-destination') === target && optionValue(spec, '-p') === m.proto);
      if (!shared) for (let k = t.filter.count(accept.chain, accept.spec); k > 0; k--) s.delete(accept);
      return s;
    });
  }

  async teardown(): Promise<void> {
    return this.#change((t) => {
      const s = new RestoreScript();
      for (const [table, chains] of Object.entries(ownChains(this.chains)) as Array<[keyof Tables, string[]]>) {
        const own = new Set(chains);
        // Every jump or goto into our chains from a chain that is not ours
        // (the built-in hooks, or an admin's rule).
        for (const chain of t[table].chains) {
          if (own.has(chain)) continue;
          for (const spec of t[table].rules(chain)) {
            const target = optionValue(spec, '-j') ?? optionValue(spec, '-g');
            if (target !== undefined && own.has(target)) s.delete({ table, chain, spec });
          }
        }
        const present = chains.filter((ch) => t[table].chains.has(ch));
        for (const ch of present) s.flushChain(table, ch);
        for (const ch of present) s.deleteChain(table, ch);
      }
      return s;
    });
  }

  /** Both tables as iptables-save prints them (for diagnostics and tests). */
  async read(): Promise<Tables> {
    const [nat, filter] = await Promise.all([this.#ipt.save('nat'), this.#ipt.save('filter')]);
    return { nat: TableState.parse(nat), filter: TableState.parse(filter) };
  }

  /**
   * Reads the tables, builds the script, applies it. Another daemon may change
   * the same built-in chains between our read and our restore (a -D of a rule
   * it just removed fails the transaction): one retry on a fresh read.
   */
  #change(plan: (t: Tables) => RestoreScript): Promise<void> {
    const run = async (): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        const script = plan(await this.read());
        if (script.empty) return;
        try {
          await this.#ipt.restore(script.toString());
          return;
        } catch (err) {
          if (attempt >= 2) throw err;
        }
      }
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

