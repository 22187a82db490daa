/**
 * Embedded DNS for user-defined networks: containers find each other by
 * container name and alias; other names go to the host's resolvers.
 * See types.ts for the lifecycle, embedded-dns.ts for the server.
 */
export { EmbeddedDns } from './embedded-dns.js';
export { hostUpstreams, parseUpstream, type Upstream } from './upstream-address.js';
export type { DnsAnswerSource, DnsTransport, EmbeddedDnsOptions } from './types.js';
