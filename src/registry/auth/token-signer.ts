/**
 * The key that signs and verifies the registry's bearer tokens: compact JWS
 * (JWT) with ES256 on P-256, from node:crypto alone.
 *
 * Lifecycle: `TokenSigner.open(keyDir)` loads `<keyDir>/auth/token-signing-key.pem`,
 * generating it (mode 0600) at first start, so tokens and refresh tokens stay
 * valid across restarts; without a keyDir the key lives in memory only. The
 * `kid` is the key's RFC 7638 JWK thumbprint, as distribution computes it for
 * its trusted keys. `verify` checks the signature and the header only; the
 * claims (issuer, audience, times, access) are the caller's to check.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isErrno, InvalidArgumentError } from '../../errors.js';
import { fsyncDir, tempPathFor } from '../../storage/atomic-write.js';

export const KEY_FILE = path.join('auth', 'token-signing-key.pem');

export class TokenSigner {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly kid: string;

  private constructor(privateKey: KeyObject) {
    this.#privateKey = privateKey;
    this.#publicKey = createPublicKey(privateKey);
    this.kid = thumbprint(this.publicJwk());
  }

  static async open(keyDir?: string): Promise<TokenSigner> {
    if (keyDir === undefined) return new TokenSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const file = path.join(keyDir, KEY_FILE);
    let pem: string;
    try {
      pem = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
      pem = await createKeyFile(file);
    }
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new InvalidArgumentError(`token signing key ${file} is not a P-256 key`);
    }
    return new TokenSigner(key);
  }

  /** The public key as a JWK (for a JWKS others could trust). */
  publicJwk(): { kty: string; crv: string; x: string; y: string } {
    const jwk = this.#publicKey.export({ format: 'jwk' });
    return { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
  }

  sign(claims: object): string {
    const header = b64json({ typ: 'JWT', alg: 'ES256', kid: this.kid });
    const payload = b64json(claims);
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: this.#privateKey, dsaEncoding: 'ieee-p1363' });
    return `${header}.${payload}.${signature.toString('base64url')}`;
  }

  /** The payload of a token this key signed; throws InvalidArgumentError for anything else. */
  verify(token: string): Record<string, unknown> {
    const parts = token.split('.');
    if (parts.length !== 3) throw new InvalidArgumentError('malformed token');
    const [header, payload, signature] = parts as [string, string, string];
    const h = parseJsonPart(header);
    if (h.alg !== 'ES256') throw new InvalidArgumentError(`token algorithm not accepted: ${String(h.alg)}`);
    if (h.kid !== undefined && h.kid !== this.kid) throw new InvalidArgumentError('token signed by an unknown key');
    const sig = Buffer.from(signature, 'base64url');
    const ok = sig.length === 64 && verify('sha256', Buffer.from(`${header}.${payload}`), { key: this.#publicKey, dsaEncoding: 'ieee-p1363' }, sig);
    if (!ok) throw new InvalidArgumentError('token signature is invalid');
    return parseJsonPart(payload);
  }
}

/** A random token id (`jti`). */
export function newTokenId(): string {
  return randomBytes(16).toString('base64url');
}

/** RFC 7638: SHA-256 over the required members in lexical order, base64url. */
export function thumbprint(jwk: { kty: string; crv: string; x: string; y: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

function b64json(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function parseJsonPart(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidArgumentError('malformed token');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError('malformed token');
  return value as Record<string, unknown>;
}

/**
 * Writes a new key without ever replacing one: temp file, fsync, then link()
 * (which fails if another process won the race), so two registries started
 * on one root at once end up with the same key.
 */
async function createKeyFile(file: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const tmp = tempPathFor(file);
  const handle = await fs.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(pem);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(tmp, file);
  } catch (err) {
    if (!isErrno(err, 'EEXIST')) throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
  await fsyncDir(path.dirname(file));
  return fs.readFile(file, 'utf8');
}
