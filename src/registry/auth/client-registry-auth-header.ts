/**
 * Docker's `X-Registry-Auth` header: base64url of a JSON AuthConfig, sent by
 * the docker CLI with pull/push (and `{}` or nothing for anonymous). Padding
 * is optional and both base64 alphabets are accepted, since clients differ.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Credentials } from './client-auth.js';

/** The wire shape (moby's `registry.AuthConfig`); every field optional. */
export interface RegistryAuthConfig {
  username?: string;
  password?: string;
  /** base64 of `username:password`, as in ~/.docker/config.json. */
  auth?: string;
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

const FIELDS = ['username', 'password', 'auth', 'email', 'serveraddress', 'identitytoken', 'registrytoken'] as const;

/** Decodes the header; empty, absent, or `{}` gives `{}`. Throws InvalidArgumentError when it is not base64 JSON. */
export function decodeRegistryAuth(header: string | string[] | null | undefined): RegistryAuthConfig {
  const raw = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (raw === '') return {};
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(raw)) throw new InvalidArgumentError('invalid X-Registry-Auth header: not base64');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch (err) {
    throw new InvalidArgumentError('invalid X-Registry-Auth header: not JSON', { cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError('invalid X-Registry-Auth header: not a JSON object');
  }
  const out: RegistryAuthConfig = {};
  for (const f of FIELDS) {
    const v = (value as Record<string, unknown>)[f];
    if (typeof v === 'string' && v !== '') out[f] = v;
  }
  return out;
}

/** The credentials an AuthConfig carries (the `auth` field fills a missing username/password). */
export function credentialsFromAuthConfig(cfg: RegistryAuthConfig): Credentials | undefined {
  let { username, password } = cfg;
  if (cfg.auth !== undefined && (username === undefined || password === undefined)) {
    const decoded = Buffer.from(cfg.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username ??= decoded.slice(0, colon);
      password ??= decoded.slice(colon + 1);
    }
  }
  const creds: Credentials = {};
  if (username !== undefined) creds.username = username;
  if (password !== undefined) creds.password = password;
  if (cfg.identitytoken !== undefined) creds.identityToken = cfg.identitytoken;
  if (cfg.registrytoken !== undefined) creds.registryToken = cfg.registrytoken;
  return Object.keys(creds).length === 0 ? undefined : creds;
}
