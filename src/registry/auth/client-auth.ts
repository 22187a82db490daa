/**
 * Registry credentials on the client side (berthd's pull and push): answers
 * a registry's 401 challenge with Basic, or with a Bearer token fetched from
 * the challenge's realm, and caches tokens per (host, realm, service, scope
 * set) until shortly before they expire.
 *
 * How a caller uses it, for each registry request:
 *   1. `h = await auth.authorize(host, null, scopes)`: a cached or proactive
 *      header (once the host has challenged before), or undefined;
 *   2. send the request, with `Authorization: h` when there is one;
 *   3. on 401: `h = await auth.authorize(host, res.headers.get('www-authenticate'), scopes)`
 *      drops what was cached for those scopes and fetches anew; if `h` is
 *      undefined (no credentials for a Basic challenge, unknown scheme) or the
 *      retry is 401 again, stop with `registryAuthError(status, body)`. Retry once only.
 * `scopes` are what the request needs (`repository:library/busybox:pull`);
 * the challenge's own `scope` is added to them. Parallel callers asking for
 * the same token share one fetch.
 */
import { createHash } from 'node:crypto';
import { NotImplementedError } from '../../errors.js';
import { fetchRegistryToken, type FetchedToken, type TokenRequestOptions } from './client-token-request.js';
import { parseWwwAuthenticate, pickChallenge, type AuthChallenge } from './client-challenge.js';

export { registryAuthError } from './client-token-request.js';
export { parseWwwAuthenticate, type AuthChallenge } from './client-challenge.js';
export { decodeRegistryAuth, credentialsFromAuthConfig, type RegistryAuthConfig } from './client-registry-auth-header.js';

const MAX_CACHED = 1000;

export interface Credentials {
  username?: string;
  password?: string;
  /** A refresh token from an earlier login (`identitytoken` in X-Registry-Auth). */
  identityToken?: string;
  /** A bearer token to send as it is (`registrytoken`). */
  registryToken?: string;
}

export type RegistryAuthOptions = Omit<TokenRequestOptions, 'offline'>;

export class RegistryAuth {
  readonly #creds: (host: string) => Credentials | undefined;
  readonly #opts: RegistryAuthOptions;
  /** The last challenge each host sent, so later requests can fetch tokens before a 401. */
  readonly #challenges = new Map<string, AuthChallenge>();
  readonly #tokens = new Map<string, FetchedToken>();
  readonly #inflight = new Map<string, Promise<FetchedToken>>();

  constructor(creds: (host: string) => Credentials | undefined, opts: RegistryAuthOptions = {}) {
    this.#creds = creds;
    this.#opts = opts;
  }

  /** The Authorization header to send to `host` for `scopes`, or undefined when there is none to send. */
  async authorize(host: string, challenge: string | null, scopes: string[]): Promise<string | undefined> {
    let picked: AuthChallenge | undefined;
    const fresh = challenge !== null;
    if (fresh) {
      picked = pickChallenge(parseWwwAuthenticate(challenge));
      if (picked === undefined) return undefined;
      const { error: _error, scope: _scope, ...stable } = picked.params;
      this.#challenges.set(host, { scheme: picked.scheme, params: stable });
    } else {
      picked = this.#challenges.get(host);
      if (picked === undefined) return undefined;
    }
    const creds = this.#creds(host);
    if (picked.scheme === 'basic') {
      if (creds?.username === undefined || creds.username === '') return undefined;
      return `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
    }
    if (picked.scheme !== 'bearer') return undefined;
    if (creds?.registryToken !== undefined && creds.registryToken !== '') return `Bearer ${creds.registryToken}`;

    const wanted = new Set(scopes.filter((s) => s !== ''));
    for (const s of (picked.params.scope ?? '').split(' ')) if (s !== '') wanted.add(s);
    const scopeList = [...wanted].sort();
    const key = [host, picked.params.realm ?? '', picked.params.service ?? '', who(creds), ...scopeList].join('\n');
    if (fresh) this.#tokens.delete(key);
    const now = (this.#opts.now ?? Date.now)();
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > now) return `Bearer ${cached.token}`;

    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = fetchRegistryToken(picked.params, creds, scopeList, this.#opts).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    const got = await pending;
    if (this.#tokens.size >= MAX_CACHED) this.#prune(now);
    this.#tokens.set(key, got);
    return `Bearer ${got.token}`;
  }

  /**
   * Checks credentials the way `docker login` does and returns a refresh
   * token when the token server hands one out (to keep as identity token).
   * Give it the `/v2/` 401 challenge; a Basic challenge returns the header to
   * try `/v2/` with (the registry is the judge there).
   */
  async login(challenge: string, creds: Credentials): Promise<{ authorization: string; identityToken?: string }> {
    const picked = pickChallenge(parseWwwAuthenticate(challenge));
    if (picked?.scheme === 'basic') {
      return { authorization: `Basic ${Buffer.from(`${creds.username ?? ''}:${creds.password ?? ''}`).toString('base64')}` };
    }
    if (picked?.scheme !== 'bearer') throw new NotImplementedError(`unsupported authentication scheme: ${picked?.scheme ?? 'none'}`);
    const got = await fetchRegistryToken(picked.params, creds, [], { ...this.#opts, offline: true });
    return got.refreshToken === undefined
      ? { authorization: `Bearer ${got.token}` }
      : { authorization: `Bearer ${got.token}`, identityToken: got.refreshToken };
  }

  #prune(now: number): void {
    for (const [k, t] of this.#tokens) if (t.expiresAt <= now) this.#tokens.delete(k);
    if (this.#tokens.size >= MAX_CACHED) this.#tokens.clear();
  }

  /** Forgets cached tokens and challenges (all, or one host's), e.g. after logout. */
  forget(host?: string): void {
    for (const map of [this.#tokens, this.#challenges] as Array<Map<string, unknown>>) {
      for (const k of [...map.keys()]) if (host === undefined || k === host || k.startsWith(`${host}\n`)) map.delete(k);
    }
  }
}

/** Tokens are per identity too: two users of one berthd must never share one, nor old and new passwords. */
function who(creds: Credentials | undefined): string {
  if (creds === undefined) return '';
  return createHash('sha256').update(`${creds.username ?? ''}\0${creds.password ?? ''}\0${creds.identityToken ?? ''}`).digest('base64url');
}
