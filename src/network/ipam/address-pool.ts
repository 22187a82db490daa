/**
 * The addresses of one network's subnet: which are in use, and which one to
 * hand out next.
 *
 * Lifecycle: `new AddressPool(subnet, { gateway })` when the network is
 * created or loaded → on daemon restart, `markUsed(ip)` for every endpoint
 * of a still-existing container → `allocate()` / `allocate(requested)` at each
 * connect → `release(ip)` at each disconnect. The pool lives in memory only;
 * the endpoint records are the truth it is rebuilt from.
 *
 * Never handed out: the network address, the broadcast address and the
 * gateway. Allocation is round-robin (it continues after the last address it
 * gave, wrapping at the end) rather than lowest-first, as Docker's bitseq
 * does: a just-released address is not reused at once, so a peer's stale ARP
 * entry or conntrack state does not reach the new holder.
 */
import { ConflictError, InvalidArgumentError, UnavailableError } from '../../errors.js';
import { broadcastOf, cidrContains, formatIPv4, networkOf, parseIPv4, parseSubnet, type Cidr } from './cidr.js';

export interface AddressPoolOptions {
  /** The bridge's address; the first host address (.1) when omitted. */
  gateway?: string;
  /** --ip-range: a sub-block of the subnet addresses are handed out from (requested ones may lie outside it). */
  range?: string;
}

export class AddressPool {
  readonly subnet: string;
  readonly prefix: number;
  readonly gateway: string;
  readonly #cidr: Cidr;
  readonly #network: number;
  readonly #broadcast: number;
  readonly #gateway: number;
  readonly #used = new Set<number>();
  /** The next address to try, as an offset from the network address (#lo … #hi). */
  #cursor = 1;
  /** Offsets handed out without a request: the whole subnet, or the --ip-range. */
  #lo = 1;
  #hi = 1;

  constructor(subnet: string, opts: AddressPoolOptions = {}) {
    this.#cidr = parseSubnet(subnet);
    if (this.#cidr.prefix > 30) {
      throw new InvalidArgumentError(`invalid subnet ${subnet}: a /${this.#cidr.prefix} has no room for a gateway and a container`);
    }
    this.subnet = subnet;
    this.prefix = this.#cidr.prefix;
    this.#network = networkOf(this.#cidr);
    this.#broadcast = broadcastOf(this.#cidr);
    if (opts.gateway === undefined) {
      this.#gateway = this.#network + 1;
    } else {
      const gw = parseIPv4(opts.gateway);
      if (!cidrContains(this.#cidr, gw)) throw new InvalidArgumentError(`no matching subnet for gateway ${opts.gateway}`);
      if (gw === this.#network || gw === this.#broadcast) {
        throw new InvalidArgumentError(`invalid gateway ${opts.gateway}: it is the network or broadcast address of ${subnet}`);
      }
      this.#gateway = gw;
    }
    this.gateway = formatIPv4(this.#gateway);
    this.#hi = this.#broadcast - this.#network - 1;
    if (opts.range !== undefined) {
      const r = parseSubnet(opts.range);
      if (r.prefix < this.#cidr.prefix || !cidrContains(this.#cidr, networkOf(r))) throw new InvalidArgumentError(`IP range ${opts.range} is not inside subnet ${subnet}`);
      this.#lo = Math.max(1, networkOf(r) - this.#network);
      this.#hi = Math.min(this.#hi, broadcastOf(r) - this.#network);
    }
    this.#cursor = this.#lo;
  }

  /** How many addresses containers can hold (all hosts but the gateway). */
  get capacity(): number {
    return this.#broadcast - this.#network - 2;
  }

  /** How many addresses are held now. */
  get inUse(): number {
    return this.#used.size;
  }

  /** `ip` with this subnet's prefix length: what an interface is given ('172.18.0.2/16'). */
  cidrOf(ip: string): string {
    return `${ip}/${this.prefix}`;
  }

  isUsed(ip: string): boolean {
    return this.#used.has(parseIPv4(ip));
  }

  /**
   * Hands out `requested` when given (it must lie in the subnet and be free),
   * else the next free address after the last one handed out.
   */
  allocate(requested?: string): string {
    if (requested !== undefined) {
      const n = this.#checkHost(requested);
      if (n === this.#gateway || this.#used.has(n)) throw new ConflictError(`address already in use: ${requested}`);
      this.#used.add(n);
      return formatIPv4(n);
    }
    const span = this.#hi - this.#lo + 1;
    for (let i = 0; i < span; i++) {
      const offset = ((this.#cursor - this.#lo + i) % span) + this.#lo;
      const n = this.#network + offset;
      if (n === this.#gateway || this.#used.has(n)) continue;
      this.#used.add(n);
      this.#cursor = ((offset - this.#lo + 1) % span) + this.#lo;
      return formatIPv4(n);
    }
    throw new UnavailableError(`no available addresses on this pool: ${this.subnet}`);
  }

  /** Returns `ip` to the pool; false when it was not held (releasing twice is harmless). */
  release(ip: string): boolean {
    return this.#used.delete(parseIPv4(ip));
  }

  /** Records an address already held (daemon restart); refuses one held twice. */
  markUsed(ip: string): void {
    const n = this.#checkHost(ip);
    if (n === this.#gateway || this.#used.has(n)) throw new ConflictError(`address already in use: ${ip}`);
    this.#used.add(n);
  }

  #checkHost(ip: string): number {
    const n = parseIPv4(ip);
    if (!cidrContains(this.#cidr, n)) {
      throw new InvalidArgumentError(`no configured subnet or ip-range contain the IP address ${ip}`);
    }
    if (n === this.#network || n === this.#broadcast) {
      throw new InvalidArgumentError(`invalid address ${ip}: it is the network or broadcast address of ${this.subnet}`);
    }
    return n;
  }
}
