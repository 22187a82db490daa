/**
 * The chains one Berth daemon owns, named from its prefix ('BERTH' in
 * production, 'BT1a2b' in tests), and the rules that hook them into the
 * built-in chains. Docker's layout is the model; the names say which of
 * Docker's chains each one plays:
 *
 *   nat    PREROUTING  -m addrtype --dst-type LOCAL -j P       published ports, traffic from other machines and bridges
 *   nat    OUTPUT      -m addrtype --dst-type LOCAL -j P       published ports, the host's own processes (127.0.0.1 too)
 *   nat    POSTROUTING -j P-POSTROUTING                        masquerade (outbound, host-local and hairpin)
 *   filter FORWARD     -j P-USER                               the admin's own rules, first (DOCKER-USER)
 *   filter FORWARD     -j P-FORWARD                            per-bridge accepts and drops (DOCKER-FORWARD)
 *   filter P-FORWARD   -j P-ISOLATION-STAGE-1                  no traffic between two bridges
 *   filter P                                                   one ACCEPT per published container port (DOCKER)
 *
 * Only chains named here are ever flushed or deleted, matched by exact
 * name, so 'BERTH' never touches the chains of a daemon with prefix 'BERTH2'.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { IptablesTable } from '../../host/iptables-tool.js';

/** Longest chain iptables accepts (XT_EXTENSION_MAXNAMELEN - 1). */
const MAX_CHAIN = 28;
const LONGEST_SUFFIX = '-ISOLATION-STAGE-1';
export const MAX_PREFIX = MAX_CHAIN - LONGEST_SUFFIX.length;

export interface ChainNames {
  /** nat: DNAT of published ports; filter: ACCEPT of published container ports. */
  readonly main: string;
  readonly postrouting: string;
  readonly user: string;
  readonly forward: string;
  readonly isolation1: string;
  readonly isolation2: string;
}

export function chainNames(prefix: string): ChainNames {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(prefix) || prefix.length > MAX_PREFIX) {
    throw new InvalidArgumentError(`invalid firewall chain prefix: ${JSON.stringify(prefix)} (letters, digits and _, at most ${MAX_PREFIX} characters)`);
  }
  return {
    main: prefix,
    postrouting: `${prefix}-POSTROUTING`,
    user: `${prefix}-USER`,
    forward: `${prefix}-FORWARD`,
    isolation1: `${prefix}-ISOLATION-STAGE-1`,
    isolation2: `${prefix}-ISOLATION-STAGE-2`,
  };
}

/** The chains of each table, in the order init creates them. */
export function ownChains(c: ChainNames): Record<IptablesTable, string[]> {
  return {
    nat: [c.main, c.postrouting],
    filter: [c.main, c.user, c.forward, c.isolation1, c.isolation2],
  };
}

/** A rule in one chain, as iptables-save prints it after `-A CHAIN `. */
export interface Rule {
  table: IptablesTable;
  chain: string;
  spec: string;
}

/**
 * The jumps from built-in chains into ours. The FORWARD jumps go to the top
 * of FORWARD (USER before FORWARD), like Docker's, so a host whose own rules
 * end FORWARD with a DROP still forwards container traffic.
 */
export function builtinJumps(c: ChainNames): { appended: Rule[]; forwardTop: Rule[] } {
  return {
    appended: [
      { table: 'nat', chain: 'PREROUTING', spec: `-m addrtype --dst-type LOCAL -j ${c.main}` },
      { table: 'nat', chain: 'OUTPUT', spec: `-m addrtype --dst-type LOCAL -j ${c.main}` },
      { table: 'nat', chain: 'POSTROUTING', spec: `-j ${c.postrouting}` },
    ],
    forwardTop: [
      { table: 'filter', chain: 'FORWARD', spec: `-j ${c.user}` },
      { table: 'filter', chain: 'FORWARD', spec: `-j ${c.forward}` },
    ],
  };
}

/**
 * Rules that each of our chains starts with, independent of any network.
 * `first: true` must sit at the top of its chain (inserted there if missing);
 * the others are appended if missing.
 */
export function staticRules(c: ChainNames): Array<Rule & { first: boolean }> {
  return [
    // The admin's hook returns to FORWARD by default (Docker's DOCKER-USER).
    { table: 'filter', chain: c.user, spec: '-j RETURN', first: false },
    { table: 'filter', chain: c.forward, spec: `-j ${c.isolation1}`, first: true },
    // A connection DNATed to a published port may cross from one bridge to
    // another (a container using another container's published port through
    // the host): stage 2 lets it, and its replies, through; isolation only
    // stops direct traffic between bridges.
    { table: 'filter', chain: c.isolation2, spec: '-m conntrack --ctstate DNAT -j RETURN', first: true },
  ];
}
