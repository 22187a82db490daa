/**
 * The composition root of registry auth: `berth registry serve` flags →
 * `AuthConfig` → the `Authorizer` for the configured mode.
 */
import path from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import { AccessPolicy } from './access-policy.js';
import { BasicAuthorizer } from './basic-authorizer.js';
import { HtpasswdFile } from './htpasswd.js';
import { TokenAuthorizer } from './token-authorizer.js';
import { TokenEndpoint } from './token-endpoint.js';
import { TokenIssuer } from './token-issuer.js';
import { TokenSigner } from './token-signer.js';
import type { Access, AuthConfig, AuthResponse, Authorizer } from './types.js';

export const DEFAULT_BASIC_REALM = 'Berth Registry';
export const DEFAULT_TOKEN_REALM = '/token';
export const DEFAULT_TOKEN_SERVICE = 'berth-registry';
export const DEFAULT_TOKEN_ISSUER = 'berth-token-issuer';
export const DEFAULT_TOKEN_TTL_SECONDS = 300;

/** The options commander produces for the auth flags of `berth registry serve` (camel-cased flag names). */
export interface AuthFlags {
  auth?: string;
  htpasswd?: string;
  authRealm?: string;
  tokenRealm?: string;
  tokenService?: string;
  tokenIssuer?: string;
  tokenTtl?: string | number;
  acl?: string;
  anonymousPull?: boolean;
}

/** Validates the flags; `root` is the registry root (the token signing key is kept under it). */
export function authConfigFromFlags(flags: AuthFlags, root?: string): AuthConfig {
  const mode = flags.auth ?? 'none';
  if (mode !== 'none' && mode !== 'htpasswd' && mode !== 'token') {
    throw new InvalidArgumentError(`invalid --auth: ${mode} (want none, htpasswd or token)`);
  }
  const resolve = (p: string | undefined) => (p === undefined ? undefined : path.resolve(p));
  if (mode === 'none') {
    for (const f of ['htpasswd', 'tokenRealm', 'tokenService', 'tokenIssuer', 'tokenTtl', 'acl', 'anonymousPull'] as const) {
      if (flags[f] !== undefined) throw new InvalidArgumentError(`--${kebab(f)} needs --auth htpasswd or --auth token`);
    }
    return { mode };
  }
  if (flags.htpasswd === undefined) throw new InvalidArgumentError(`--auth ${mode} needs --htpasswd FILE`);
  const cfg: AuthConfig = {
    mode,
    htpasswd: resolve(flags.htpasswd),
    basicRealm: flags.authRealm ?? DEFAULT_BASIC_REALM,
    acl: resolve(flags.acl),
    anonymousPull: flags.anonymousPull ?? false,
  };
  if (mode === 'htpasswd') {
    for (const f of ['tokenRealm', 'tokenService', 'tokenIssuer', 'tokenTtl'] as const) {
      if (flags[f] !== undefined) throw new InvalidArgumentError(`--${kebab(f)} needs --auth token`);
    }
    return cfg;
  }
  const realm = flags.tokenRealm ?? DEFAULT_TOKEN_REALM;
  if (!realm.startsWith('/')) {
    let u: URL;
    try {
      u = new URL(realm);
    } catch {
      throw new InvalidArgumentError(`invalid --token-realm: ${realm} (want an http(s) URL or a path such as /token)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidArgumentError(`invalid --token-realm: ${realm}`);
  }
  const ttl = flags.tokenTtl === undefined ? DEFAULT_TOKEN_TTL_SECONDS : Number(flags.tokenTtl);
  if (!Number.isInteger(ttl) || ttl < 60) throw new InvalidArgumentError(`invalid --token-ttl: ${String(flags.tokenTtl)} (whole seconds, at least 60)`);
  return {
    ...cfg,
    tokenRealm: realm,
    tokenService: flags.tokenService ?? DEFAULT_TOKEN_SERVICE,
    tokenIssuer: flags.tokenIssuer ?? DEFAULT_TOKEN_ISSUER,
    tokenTtlSeconds: ttl,
    keyDir: root === undefined ? undefined : path.resolve(root),
  };
}

/** Opens the files the mode needs (htpasswd, ACL, signing key); throws if one is missing or malformed. */
export async function openAuthorizer(cfg: AuthConfig): Promise<Authorizer> {
  if (cfg.mode === 'none') return new OpenAuthorizer();
  if (cfg.htpasswd === undefined) throw new InvalidArgumentError(`auth mode ${cfg.mode} needs an htpasswd file`);
  const users = new HtpasswdFile(cfg.htpasswd);
  await users.open();
  const policy = new AccessPolicy({ aclFile: cfg.acl, anonymousPull: cfg.anonymousPull });
  await policy.open();
  if (cfg.mode === 'htpasswd') return new BasicAuthorizer(users, policy, cfg.basicRealm ?? DEFAULT_BASIC_REALM);
  const signer = await TokenSigner.open(cfg.keyDir);
  const issuer = new TokenIssuer(signer, {
    issuer: cfg.tokenIssuer ?? DEFAULT_TOKEN_ISSUER,
    service: cfg.tokenService ?? DEFAULT_TOKEN_SERVICE,
    ttlSeconds: cfg.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
  });
  return new TokenAuthorizer(issuer, cfg.tokenRealm ?? DEFAULT_TOKEN_REALM, new TokenEndpoint(issuer, users, policy));
}

/** `--auth none`: everything is allowed (the server keeps itself on loopback unless told otherwise). */
class OpenAuthorizer implements Authorizer {
  readonly mode = 'none' as const;
  async check(_req: unknown, _wanted: Access[]): Promise<AuthResponse | undefined> {
    return undefined;
  }
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
