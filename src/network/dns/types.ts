/**
 * The embedded DNS server's contract with the rest of the engine.
 *
 * Lifecycle: the daemon builds one `EmbeddedDns` at start with a
 * `DnsAnswerSource` (the network service, which knows every endpoint) and a
 * function returning the host's resolvers. When a user-defined network gets its
 * bridge and gateway address, the daemon calls `listen(gateway)`; when the
 * network is removed, `close(gateway)`; at shutdown, `closeAll()`. Nothing runs
 * at import time and nothing is persisted: after a daemon restart the daemon
 * simply listens again on every network's gateway.
 *
 * Every query is answered from the source at the moment it arrives, so a
 * container that starts, stops, connects or disconnects is visible to the next
 * query without telling the DNS server anything.
 */
export interface DnsAnswerSource {
  /**
   * Names the engine owns, seen from the client at clientIp: IPv4 addresses,
   * [] = known name without IPv4 (answer NOERROR, no records, e.g. AAAA),
   * undefined = not ours (the query is forwarded, or fails on an internal network).
   *
   * `name` is lower-case with no trailing dot. Called once per query, on the
   * event loop: it must be quick and synchronous (an in-memory map lookup).
   */
  lookup(clientIp: string, name: string): string[] | undefined;
  /** PTR: the name for an address on the client's networks, or undefined. */
  reverse(clientIp: string, ip: string): string | undefined;
  /** Whether queries from this client may be forwarded outside (false for --internal networks). */
  mayForward(clientIp: string): boolean;
}

export interface EmbeddedDnsOptions {
  source: DnsAnswerSource;
  /** The resolvers to forward to, read at every forwarded query: 'ip', 'ip:port', '[ipv6]:port'. */
  upstreams: () => string[];
  /** TTL of the records the engine answers itself, in seconds (Docker: 600). */
  ttl?: number;
  /** How long to wait for one upstream before trying the next (Docker: 4000 ms). */
  forwardTimeoutMs?: number;
  /**
   * How many forwarded queries one client may have in flight; more are answered
   * SERVFAIL at once, so one container's flood cannot take every slot.
   */
  maxForwardsPerClient?: number;
  /** How many forwarded queries may be in flight in total (Docker: 1024). */
  maxForwards?: number;
  /**
   * Where unexpected failures go (a listener socket error, a source that threw).
   * They never escape an event handler; default: dropped.
   */
  onError?: (err: unknown) => void;
}

/** Which transport a query came in on; a forwarded query leaves on the same one. */
export type DnsTransport = 'udp' | 'tcp';

export const DEFAULT_TTL = 600;
export const DEFAULT_FORWARD_TIMEOUT_MS = 4000;
export const DEFAULT_MAX_FORWARDS = 1024;
export const DEFAULT_MAX_FORWARDS_PER_CLIENT = 128;
/** glibc reads at most three nameservers (MAXNS); Docker forwards to at most three too. */
export const MAX_UPSTREAMS = 3;
