/**
 * Where a registry named in a reference is reached, and over what (moby's
 * registry service config and lookupV2Endpoints):
 *
 * - `docker.io` is served by registry-1.docker.io over HTTPS only.
 * - A registry is *insecure* when its `host[:port]` is listed with
 *   `--insecure-registry`, or its address (a hostname resolved with the
 *   system resolver, `localhost` included) lies in an insecure CIDR:
 *   127.0.0.0/8 and ::1/128 always, plus any CIDR given with
 *   `--insecure-registry`.
 * - A secure registry is tried over HTTPS with certificate checks. An
 *   insecure one is tried over HTTPS without certificate checks first and
 *   over plain HTTP after that, as Docker does.
 *
 * Lifecycle: built once by the composition root from berthd's flags
 * (`new RegistryHosts(flags)` validates them: a bad value stops the daemon);
 * `endpoints(domain)` is asked at the start of every pull, push and login.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { InvalidArgumentError, NotFoundError } from '../errors.js';

/** The name references use for Docker Hub, and where Docker Hub's registry API lives. */
export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';

export interface RegistryEndpoint {
  /** The registry as a reference names it ("127.0.0.1:5000", "docker.io"): the key for credentials. */
  domain: string;
  /** Scheme, host and port requests go to (no path). */
  base: URL;
  /** HTTPS without certificate verification (an insecure registry's first try). */
  skipVerify: boolean;
}

export class RegistryHosts {
  readonly #cidrs = new BlockList();
  readonly #hosts = new Set<string>();

  /**
   * `insecure`: berthd's `--insecure-registry` values, each a CIDR or a host[:port].
   * `localOnly` (berthd --local-registries-only): only loopback registries and those listed as
   * insecure are reached; any other is refused before a name is even looked up. The test
   * harness sets it, so no test ever sends a DNS query for an outside registry.
   */
  constructor(
    insecure: readonly string[] = [],
    private readonly localOnly = false,
  ) {
    this.#cidrs.addSubnet('127.0.0.0', 8, 'ipv4');
    this.#cidrs.addSubnet('::1', 128, 'ipv6');
    for (const raw of insecure) this.#add(raw);
  }

  #add(raw: string): void {
    let value = raw.trim();
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
    if (scheme) {
      // Docker drops http:// and https:// with a warning and refuses any other scheme.
      if (!/^https?$/i.test(scheme[1]!)) throw new InvalidArgumentError(`insecure registry ${raw} should not contain '://'`);
      value = value.slice(scheme[0].length);
    }
    const slash = value.indexOf('/');
    if (slash >= 0) {
      const addr = value.slice(0, slash);
      const prefix = Number(value.slice(slash + 1));
      const family = isIP(addr);
      const max = family === 4 ? 32 : 128;
      if (family === 0 || !/^\d+$/.test(value.slice(slash + 1)) || prefix > max) {
        throw new InvalidArgumentError(`insecure registry ${raw} is not valid: not a CIDR or host[:port]`);
      }
      this.#cidrs.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
      return;
    }
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:\d{1,5})?$/.test(value)) {
      throw new InvalidArgumentError(`insecure registry ${raw} is not valid: not a CIDR or host[:port]`);
    }
    this.#hosts.add(value.toLowerCase());
  }

  /** True when the registry may be reached without verified TLS (see the module comment). */
  async isInsecure(domain: string): Promise<boolean> {
    if (domain === DOCKER_HUB) return false;
    if (this.#hosts.has(domain.toLowerCase())) return true;
    const host = hostOf(domain);
    let addresses: Array<{ address: string; family: number }>;
    if (isIP(host) !== 0) {
      addresses = [{ address: host, family: isIP(host) }];
    } else {
      try {
        addresses = await lookup(host, { all: true });
      } catch {
        return false; // a name that does not resolve matches no CIDR (as in Docker)
      }
    }
    return addresses.some(({ address, family }) => this.#matches(address, family));
  }

  /** Loopback or listed, decided without a DNS query. */
  #local(domain: string): boolean {
    if (this.#hosts.has(domain.toLowerCase())) return true;
    const host = hostOf(domain);
    if (host === 'localhost') return true;
    const family = isIP(host);
    return family !== 0 && this.#matches(host, family);
  }

  #matches(address: string, family: number): boolean {
    if (family === 6) {
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
      if (mapped) return this.#cidrs.check(mapped[1]!, 'ipv4');
      return this.#cidrs.check(address, 'ipv6');
    }
    return this.#cidrs.check(address, 'ipv4');
  }

  /** The endpoints to try for a registry, in order. */
  async endpoints(domain: string): Promise<RegistryEndpoint[]> {
    if (this.localOnly && !this.#local(domain)) {
      throw new NotFoundError(`registry ${domain} is not reachable: berthd runs with --local-registries-only (loopback and --insecure-registry hosts only)`);
    }
    if (domain === DOCKER_HUB) return [{ domain, base: new URL(`https://${DOCKER_HUB_REGISTRY}`), skipVerify: false }];
    const https: RegistryEndpoint = { domain, base: new URL(`https://${domain}`), skipVerify: false };
    if (!(await this.isInsecure(domain))) return [https];
    return [{ ...https, skipVerify: true }, { domain, base: new URL(`http://${domain}`), skipVerify: true }];
  }
}

/** The host part of "host[:port]" ("[::1]:5000" → "::1"). */
function hostOf(domain: string): string {
  if (domain.startsWith('[')) return domain.slice(1, domain.indexOf(']'));
  const colon = domain.lastIndexOf(':');
  return colon >= 0 && domain.indexOf(':') === colon ? domain.slice(0, colon) : domain;
}
