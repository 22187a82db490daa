/**
 * Detach-key detection for tty sessions (docker's term.EscapeProxy).
 *
 * In a tty, the user leaves an attached container with a key sequence
 * (default ctrl-p ctrl-q) instead of ending it. Bytes that could start the
 * sequence are held back; if the sequence completes the session detaches,
 * if it breaks the held bytes are forwarded as typed.
 */
import { InvalidArgumentError } from '../../errors.js';

export const DEFAULT_DETACH_KEYS = Buffer.from([16, 17]); // ctrl-p, ctrl-q

/**
 * Parses docker's --detach-keys syntax: comma-separated keys, each a single
 * character or `ctrl-<value>` where value is a letter or one of @[\]^_.
 */
export function parseDetachKeys(spec: string): Buffer {
  const out: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.toLowerCase();
    if (k.length > 1 && !k.startsWith('ctrl-')) throw new InvalidArgumentError(`invalid detach keys (${spec}): unknown character: '${key}'`);
    if (k.length === 1) {
      out.push(key.charCodeAt(0));
      continue;
    }
    const c = k.slice('ctrl-'.length);
    if (c.length !== 1) throw new InvalidArgumentError(`invalid detach keys (${spec}): unknown character: '${key}'`);
    if (c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 'a'.charCodeAt(0) + 1);
    else if ('@[\\]^_'.includes(c)) out.push(c.charCodeAt(0) - '@'.charCodeAt(0));
    else throw new InvalidArgumentError(`invalid detach keys (${spec}): unknown character: '${key}'`);
  }
  return Buffer.from(out);
}

export interface EscapeResult {
  /** Bytes to forward to the container now. */
  forward: Buffer;
  /** True when the full detach sequence was typed. */
  detached: boolean;
}

export class EscapeProxy {
  readonly #keys: Buffer;
  #matched = 0;

  constructor(keys: Buffer = DEFAULT_DETACH_KEYS) {
    this.#keys = keys;
  }

  push(chunk: Buffer): EscapeResult {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.#keys[this.#matched]) {
        this.#matched++;
        if (this.#matched === this.#keys.length) return { forward: Buffer.from(out), detached: true };
        continue;
      }
      // Sequence broken: release what was held back, then reconsider this byte.
      for (let i = 0; i < this.#matched; i++) out.push(this.#keys[i]!);
      this.#matched = 0;
      if (byte !== this.#keys[0]) {
        out.push(byte);
        continue;
      }
      this.#matched = 1;
      if (this.#keys.length === 1) return { forward: Buffer.from(out), detached: true };
    }
    return { forward: Buffer.from(out), detached: false };
  }
}
