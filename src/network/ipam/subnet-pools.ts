/**
 * Where new networks get their subnets: Docker's default address pools,
 * walked in order, skipping every subnet that overlaps one already in use by
 * a network or by a route or interface on the host.
 *
 * Docker's defaults (moby `ipamutils.localScopeDefaultNetworks`): the /16s
 * from 172.17.0.0 to 172.31.0.0, then the /20s of 192.168.0.0/16.
 * 172.17.0.0/16 is first so the default bridge gets it; callers pass the
 * default bridge's subnet among the `used` ones when allocating for user
 * networks, so those start at 172.18.0.0/16. Tests and multi-daemon setups
 * pass their own pools ({ base: '10.200.0.0/16', size: 24 }).
 *
 * Pure logic: the caller reads the host routes (kernel/host-addresses.ts)
 * and the subnets of existing networks, and passes them in.
 */
import { ConflictError, FailedPreconditionError, InvalidArgumentError } from '../../errors.js';
import { cidrsOverlap, formatIPv4, networkOf, parseCidr, parseSubnet, type Cidr } from './cidr.js';

/** A base block cut into subnets of prefix length `size`. */
export interface PoolSpec {
  base: string;
  size: number;
}

export const DEFAULT_BRIDGE_SUBNET = '172.17.0.0/16';

export const DEFAULT_POOLS: readonly PoolSpec[] = Object.freeze([
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/16', size: 16 },
  { base: '172.19.0.0/16', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
]);

interface CheckedPool {
  base: Cidr;
  size: number;
}

function checkPool(p: PoolSpec): CheckedPool {
  const base = parseSubnet(p.base);
  if (!Number.isInteger(p.size) || p.size < base.prefix || p.size > 30) {
    throw new InvalidArgumentError(`invalid address pool ${p.base}: size ${p.size} must be between ${base.prefix} and 30`);
  }
  return { base, size: p.size };
}

/** The pools in order; hands out the first subnet that overlaps nothing given. */
export class SubnetPools {
  readonly #pools: CheckedPool[];

  constructor(pools: PoolSpec | readonly PoolSpec[] = DEFAULT_POOLS) {
    const list = Array.isArray(pools) ? (pools as readonly PoolSpec[]) : [pools as PoolSpec];
    if (list.length === 0) throw new InvalidArgumentError('no address pools configured');
    this.#pools = list.map(checkPool);
  }

  /** Every candidate subnet, pool by pool, lowest first. */
  *candidates(): Generator<Cidr> {
    for (const { base, size } of this.#pools) {
      const step = 2 ** (32 - size);
      const count = 2 ** (size - base.prefix);
      const start = networkOf(base);
      for (let i = 0; i < count; i++) yield { address: start + i * step, prefix: size };
    }
  }

  /**
   * The first candidate that overlaps neither a used subnet nor a host route.
   * Default routes (0.0.0.0/0) are ignored, as Docker does: they overlap everything.
   */
  allocate(used: readonly string[], hostRoutes: readonly string[] = []): string {
    const taken = [...used.map(parseCidr), ...hostRoutes.map(parseCidr).filter((c) => c.prefix > 0)];
    for (const cand of this.candidates()) {
      if (!taken.some((t) => cidrsOverlap(cand, t))) return `${formatIPv4(cand.address)}/${cand.prefix}`;
    }
    throw new FailedPreconditionError(
      'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network',
    );
  }
}

/** Functional form of SubnetPools.allocate. */
export function allocateSubnet(
  used: readonly string[],
  hostRoutes: readonly string[] = [],
  pools: PoolSpec | readonly PoolSpec[] = DEFAULT_POOLS,
): string {
  return new SubnetPools(pools).allocate(used, hostRoutes);
}

/** The first of `others` that shares an address with `subnet`, if any. */
export function findOverlap(subnet: string, others: readonly string[]): string | undefined {
  const c = parseCidr(subnet);
  return others.find((o) => cidrsOverlap(c, parseCidr(o)));
}

/**
 * For a subnet the user chose (`--subnet`): refuses it when another network
 * uses an overlapping one (Docker: "Pool overlaps with other one on this
 * address space"). Host routes are not checked here, as in Docker: a user
 * who names a subnet may mean to shadow a route.
 */
export function requireSubnetFree(subnet: string, used: readonly string[]): void {
  parseSubnet(subnet);
  const clash = findOverlap(subnet, used);
  if (clash !== undefined) {
    throw new ConflictError(`pool overlaps with other one on this address space: ${subnet} overlaps ${clash}`);
  }
}
