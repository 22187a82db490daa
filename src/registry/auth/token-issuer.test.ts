import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { TokenIssuer } from './token-issuer.js';
import { KEY_FILE, TokenSigner } from './token-signer.js';

const settings = { issuer: 'berth-issuer', service: 'berth-registry', ttlSeconds: 300 };
const pullA = [{ type: 'repository' as const, name: 'a', actions: ['pull' as const] }];

function decode(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

test('issues an ES256 JWT with Docker claims that verifies', async () => {
  const issuer = new TokenIssuer(await TokenSigner.open(), settings);
  const { token, expiresIn } = issuer.issueAccess('alice', pullA);
  const [h, p] = token.split('.') as [string, string, string];
  const header = decode(h);
  assert.equal(header.alg, 'ES256');
  assert.equal(typeof header.kid, 'string');
  const claims = decode(p);
  assert.equal(claims.iss, 'berth-issuer');
  assert.equal(claims.sub, 'alice');
  assert.equal(claims.aud, 'berth-registry');
  assert.equal((claims.exp as number) - (claims.iat as number), 300);
  assert.equal(claims.nbf, claims.iat);
  assert.equal(typeof claims.jti, 'string');
  assert.deepEqual(claims.access, pullA);
  assert.equal(expiresIn, 300);
  assert.deepEqual(issuer.verifyAccess(token), { subject: 'alice', access: pullA });
});

test('refuses a token whose payload or signature was tampered with', async () => {
  const issuer = new TokenIssuer(await TokenSigner.open(), settings);
  const [h, p, s] = issuer.issueAccess('alice', pullA).token.split('.') as [string, string, string];
  const claims = decode(p);
  claims.access = [{ type: 'repository', name: 'a', actions: ['pull', 'push'] }];
  const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
  assert.throws(() => issuer.verifyAccess(`${h}.${forged}.${s}`), /signature is invalid/);
  const flipped = Buffer.from(s, 'base64url');
  flipped[10] = flipped[10]! ^ 1;
  assert.throws(() => issuer.verifyAccess(`${h}.${p}.${flipped.toString('base64url')}`), /signature is invalid/);
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  assert.throws(() => issuer.verifyAccess(`${none}.${p}.`), /algorithm not accepted/);
  assert.throws(() => issuer.verifyAccess('not-a-jwt'), /malformed token/);
});

test('refuses a token from another key, issuer or audience', async () => {
  const signer = await TokenSigner.open();
  const issuer = new TokenIssuer(signer, settings);
  const stranger = new TokenIssuer(await TokenSigner.open(), settings);
  assert.throws(() => issuer.verifyAccess(stranger.issueAccess('alice', pullA).token), /unknown key|signature/);
  const otherAudience = new TokenIssuer(signer, { ...settings, service: 'elsewhere' });
  assert.throws(() => issuer.verifyAccess(otherAudience.issueAccess('alice', pullA).token), /audience not accepted/);
  const otherIssuer = new TokenIssuer(signer, { ...settings, issuer: 'someone-else' });
  assert.throws(() => issuer.verifyAccess(otherIssuer.issueAccess('alice', pullA).token), /issuer not trusted/);
});

test('refuses an expired token and one not valid yet', async () => {
  const issuer = new TokenIssuer(await TokenSigner.open(), settings);
  const old = issuer.issueAccess('alice', pullA, Date.now() - 301_000).token;
  assert.throws(() => issuer.verifyAccess(old), /expired/);
  const future = issuer.issueAccess('alice', pullA, Date.now() + 3600_000).token;
  assert.throws(() => issuer.verifyAccess(future), /not yet valid/);
});

test('keeps access and refresh tokens apart', async () => {
  const issuer = new TokenIssuer(await TokenSigner.open(), settings);
  const refresh = issuer.issueRefresh('alice', 'fpr1');
  assert.deepEqual(issuer.verifyRefresh(refresh), { subject: 'alice', fingerprint: 'fpr1' });
  assert.throws(() => issuer.verifyAccess(refresh), /not an access token/);
  assert.throws(() => issuer.verifyRefresh(issuer.issueAccess('alice', pullA).token), /not a refresh token/);
});

test('keeps the signing key in the root across restarts, private to root', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-key-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const [first, racer] = await Promise.all([TokenSigner.open(dir), TokenSigner.open(dir)]);
  assert.equal(first.kid, racer.kid, 'two starts at once agree on one key');
  const st = await fs.stat(path.join(dir, KEY_FILE));
  assert.equal(st.mode & 0o777, 0o600);
  const token = new TokenIssuer(first, settings).issueAccess('alice', pullA).token;
  const again = await TokenSigner.open(dir);
  assert.equal(again.kid, first.kid);
  assert.equal(new TokenIssuer(again, settings).verifyAccess(token).subject, 'alice');
  assert.deepEqual((await fs.readdir(path.join(dir, 'auth'))).sort(), ['token-signing-key.pem']);
});
