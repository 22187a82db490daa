/** Digests ("sha256:<64 hex>"), branded so a name cannot be passed where a digest is expected. */
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';

export type Digest = string & { readonly __brand: 'Digest' };

const DIGEST_RE = /^sha256:([a-f0-9]{64})$/;

export function isDigestString(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

export function parseDigest(s: string): { algorithm: 'sha256'; hex: string } {
  const m = DIGEST_RE.exec(s);
  if (!m) throw new InvalidArgumentError(`invalid digest: ${JSON.stringify(s)}`);
  return { algorithm: 'sha256', hex: m[1]! };
}

export function asDigest(s: string): Digest {
  parseDigest(s);
  return s as Digest;
}

export function digestOf(data: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}` as Digest;
}

/** Chain ID of a layer stack (OCI image spec): chain(n) = sha256(chain(n-1) + " " + diffId(n)). */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const d of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? d : digestOf(`${prev} ${d}`));
  }
  return out;
}
