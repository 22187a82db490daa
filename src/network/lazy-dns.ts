/**
 * The embedded DNS, loaded when the first user-defined network needs it.
 * A daemon with only the default bridge never answers DNS, and the
 * resolver with its packet codec costs ~2.5 MiB of resident memory once
 * imported; berthd's idle footprint is a target (issue 2).
 */
import type { DnsAnswerSource, EmbeddedDns } from './dns/index.js';

/** What NetworkService needs of the DNS: a listener per gateway address. */
export interface GatewayDns {
  listen(address: string): Promise<void>;
  close(address: string): Promise<void>;
  closeAll(): Promise<void>;
}

export function lazyEmbeddedDns(opts: { source: DnsAnswerSource; upstreams: () => string[]; onError: (err: unknown) => void }): GatewayDns {
  let dns: Promise<EmbeddedDns> | undefined;
  const get = () =>
    (dns ??= import('./dns/index.js').then(({ EmbeddedDns }) => new EmbeddedDns(opts)));
  return {
    listen: async (address) => (await get()).listen(address),
    close: async (address) => {
      if (dns) await (await dns).close(address);
    },
    closeAll: async () => {
      if (dns) await (await dns).closeAll();
    },
  };
}
