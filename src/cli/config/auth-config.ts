/**
 * Registry credentials as the docker CLI names and encodes them.
 *
 * Keys: credentials are stored per registry under a key — Docker Hub's is
 * the legacy index URL "https://index.docker.io/v1/", every other registry's
 * is its host[:port] ("127.0.0.1:5000"). An image reference's domain or a
 * search term's index picks the key (authConfigKey); what the user types
 * after `login`/`logout` is reduced to a host the same way (convertToHostname).
 *
 * Encodings: the config file keeps base64("user:password") in `auth`; the
 * Engine API takes the whole auth config as base64url(JSON) in the
 * X-Registry-Auth header (encodeAuthConfig), byte for byte as Go's
 * json.Marshal + base64.URLEncoding write it (padded, "<>&" escaped).
 */
import { InvalidArgumentError } from '../../errors.js';
import { goJsonStringify } from '../../units/go-json.js';
import type { RegistryAuthConfig } from '../client/types.js';

/** Docker Hub's credentials key (moby's registry.IndexServer). */
export const INDEX_SERVER = 'https://index.docker.io/v1/';
/** Docker Hub's index name, the domain of "busybox". */
export const INDEX_NAME = 'docker.io';
const LEGACY_INDEX_NAME = 'index.docker.io';

/** docker's getAuthConfigKey: Hub's domains map to INDEX_SERVER, others are their own key. */
export function authConfigKey(domain: string): string {
  return domain === INDEX_NAME || domain === LEGACY_INDEX_NAME ? INDEX_SERVER : domain;
}

/**
 * docker's credentials.ConvertToHostname: "https://h:5000/v2/" → "h:5000".
 * Only an http or https scheme (any case) is dropped.
 */
export function convertToHostname(address: string): string {
  let stripped = address;
  const m = /^([^:/]+):\/\//.exec(stripped);
  if (m !== null && /^https?$/i.test(m[1]!)) stripped = stripped.slice(m[0].length);
  const slash = stripped.indexOf('/');
  return slash < 0 ? stripped : stripped.slice(0, slash);
}

/**
 * The index a `search` term goes to (moby's splitReposSearchTerm +
 * newIndexInfo): "busybox", "user/app" → docker.io; "host:5000/x",
 * "my.reg/x", "localhost/x" → that host.
 */
export function searchIndexName(term: string): string {
  const slash = term.indexOf('/');
  if (slash < 0) return INDEX_NAME;
  const first = term.slice(0, slash);
  if (!first.includes('.') && !first.includes(':') && first !== 'localhost') return INDEX_NAME;
  return first === LEGACY_INDEX_NAME ? INDEX_NAME : first;
}

/** The server `login` talks to: Hub for none or "docker.io", else the host of what was typed. */
export function loginServerAddress(arg: string | undefined): string {
  if (arg === undefined || arg === '' || arg === INDEX_NAME) return INDEX_SERVER;
  return arg === INDEX_SERVER ? arg : convertToHostname(arg);
}

/** The auth config in Go's field order with empty fields left out (json:",omitempty"). */
export function orderedAuthConfig(a: RegistryAuthConfig): RegistryAuthConfig {
  const out: RegistryAuthConfig = {};
  for (const key of ['username', 'password', 'auth', 'email', 'serveraddress', 'identitytoken', 'registrytoken'] as const) {
    const v = a[key];
    if (v !== undefined && v !== '') out[key] = v;
  }
  return out;
}

/** X-Registry-Auth: base64url (padded) of the JSON auth config; "e30=" for none. */
export function encodeAuthConfig(a: RegistryAuthConfig): string {
  const b64 = Buffer.from(goJsonStringify(orderedAuthConfig(a)), 'utf8').toString('base64');
  return b64.replace(/\+/g, '-').replace(/\//g, '_');
}

/** The config file's `auth` field: base64("user:password"). */
export function encodeAuthField(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/** Reads an `auth` field back; docker refuses one without "user:". */
export function decodeAuthField(auth: string): { username: string; password: string } {
  if (auth === '') return { username: '', password: '' };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(auth.trim())) throw new InvalidArgumentError('illegal base64 data in auth field');
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) throw new InvalidArgumentError('invalid auth configuration file');
  return { username: text.slice(0, colon), password: text.slice(colon + 1).replace(/^\0+|\0+$/g, '') };
}
