/**
 * The claims of the registry's tokens: issuing them (token endpoint) and
 * checking them (token authorizer), with one `TokenSigner` and one set of
 * settings so both sides agree on issuer and audience.
 *
 * Access tokens carry Docker's claim set (`iss`, `sub`, `aud`, `exp`, `nbf`,
 * `iat`, `jti`, `access`). Refresh tokens (the "identity token" `docker
 * login` stores) are signed the same way but marked `berth_use: "refresh"`,
 * carry no access, and hold a fingerprint of the user's htpasswd hash, so
 * they die when the password changes; each kind is refused where the other
 * is expected.
 */
import { InvalidArgumentError } from '../../errors.js';
import { mergeAccess } from './scope.js';
import { newTokenId, type TokenSigner } from './token-signer.js';
import type { Access } from './types.js';

export interface TokenSettings {
  issuer: string;
  /** The service name: the tokens' audience. */
  service: string;
  ttlSeconds: number;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  issuedAt: Date;
}

const KNOWN_ACTIONS: ReadonlySet<unknown> = new Set(['pull', 'push', 'delete', '*']);
const REFRESH_TTL_SECONDS = 365 * 24 * 3600;
/** Tolerated clock skew for `nbf`/`iat` only; `exp` is strict. */
const SKEW_SECONDS = 60;

export class TokenIssuer {
  readonly #signer: TokenSigner;
  readonly settings: Readonly<TokenSettings>;

  constructor(signer: TokenSigner, settings: TokenSettings) {
    this.#signer = signer;
    this.settings = { ...settings };
  }

  issueAccess(subject: string, access: Access[], now = Date.now()): IssuedToken {
    const iat = Math.floor(now / 1000);
    const ttl = this.settings.ttlSeconds;
    const token = this.#signer.sign({
      iss: this.settings.issuer,
      sub: subject,
      aud: this.settings.service,
      exp: iat + ttl,
      nbf: iat,
      iat,
      jti: newTokenId(),
      access: mergeAccess(access).filter((a) => a.actions.length > 0),
    });
    return { token, expiresIn: ttl, issuedAt: new Date(iat * 1000) };
  }

  issueRefresh(subject: string, fingerprint: string, now = Date.now()): string {
    const iat = Math.floor(now / 1000);
    return this.#signer.sign({
      iss: this.settings.issuer,
      sub: subject,
      aud: this.settings.service,
      exp: iat + REFRESH_TTL_SECONDS,
      nbf: iat,
      iat,
      jti: newTokenId(),
      berth_use: 'refresh',
      fpr: fingerprint,
    });
  }

  /** The subject and access of a valid access token; InvalidArgumentError says why one is not. */
  verifyAccess(token: string, now = Date.now()): { subject: string; access: Access[] } {
    const claims = this.#verifyCommon(token, now);
    if (claims.berth_use !== undefined) throw new InvalidArgumentError('not an access token');
    if (!Array.isArray(claims.access)) throw new InvalidArgumentError('token has no access claim');
    const access: Access[] = [];
    for (const a of claims.access as unknown[]) {
      const item = a as Partial<Access> | null;
      if (item === null || typeof item !== 'object' || (item.type !== 'repository' && item.type !== 'registry')) continue;
      if (typeof item.name !== 'string' || !Array.isArray(item.actions)) continue;
      access.push({ type: item.type, name: item.name, actions: item.actions.filter((x) => KNOWN_ACTIONS.has(x)) });
    }
    return { subject: String(claims.sub ?? ''), access };
  }

  verifyRefresh(token: string, now = Date.now()): { subject: string; fingerprint: string } {
    const claims = this.#verifyCommon(token, now);
    if (claims.berth_use !== 'refresh' || typeof claims.sub !== 'string' || typeof claims.fpr !== 'string') {
      throw new InvalidArgumentError('not a refresh token');
    }
    return { subject: claims.sub, fingerprint: claims.fpr };
  }

  #verifyCommon(token: string, now: number): Record<string, unknown> {
    const claims = this.#signer.verify(token);
    const t = Math.floor(now / 1000);
    if (claims.iss !== this.settings.issuer) throw new InvalidArgumentError('token issuer not trusted');
    const aud = claims.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(this.settings.service)) throw new InvalidArgumentError('token audience not accepted');
    if (typeof claims.exp !== 'number' || claims.exp <= t) throw new InvalidArgumentError('token has expired');
    if (typeof claims.nbf === 'number' && claims.nbf > t + SKEW_SECONDS) throw new InvalidArgumentError('token not yet valid');
    if (typeof claims.iat === 'number' && claims.iat > t + SKEW_SECONDS) throw new InvalidArgumentError('token issued in the future');
    return claims;
  }
}
