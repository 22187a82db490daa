/**
 * Container ids and names as Docker makes them.
 *
 * An id is 64 random lower-case hex digits (moby stringid), shown shortened
 * to 12. A name, when the user gives none, is "adjective_scientist" (moby
 * namesgenerator's shape; the word lists here are Berth's own).
 */
import { randomBytes, randomInt } from 'node:crypto';

/** A full 64-hex container id; a name or a short id is not one. */
export type ContainerId = string & { readonly __brand: 'ContainerId' };

/** Length of the short id Docker prints (`ps`, `create` with --quiet, hostnames). */
export const SHORT_ID_LENGTH = 12;

/**
 * A new random 64-hex id. Like moby's GenerateRandomID, it never returns one
 * whose short form is all decimal digits: the short id becomes the container's
 * hostname, and an all-numeric hostname is invalid.
 */
export function newContainerId(random: (size: number) => Buffer = randomBytes): ContainerId {
  for (;;) {
    const id = random(32).toString('hex');
    if (!/^\d+$/.test(id.slice(0, SHORT_ID_LENGTH))) return id as ContainerId;
  }
}

/** moby's TruncateID: drop an "algo:" prefix, keep 12 characters ("sha256:abc…" → "abc…"). */
export function shortId(id: string): string {
  const colon = id.indexOf(':');
  const bare = colon >= 0 ? id.slice(colon + 1) : id;
  return bare.slice(0, SHORT_ID_LENGTH);
}

// Temperaments: every word is lower-case ASCII, so any pair is a valid container name.
const ADJECTIVES = [
  'amiable', 'ardent', 'artful', 'blithe', 'bright', 'brisk', 'buoyant', 'calm',
  'candid', 'cheerful', 'curious', 'dapper', 'daring', 'deft', 'diligent', 'earnest',
  'fearless', 'gentle', 'glad', 'humble', 'inventive', 'jaunty', 'lively', 'mellow',
  'merry', 'mindful', 'nimble', 'noble', 'patient', 'placid', 'plucky', 'polite',
  'proud', 'quiet', 'radiant', 'resolute', 'restless', 'rugged', 'sincere', 'spirited',
  'steady', 'sturdy', 'sunny', 'swift', 'thoughtful', 'tidy', 'tireless', 'tranquil',
  'valiant', 'vivid', 'wandering', 'warm', 'whimsical', 'wise', 'witty', 'zesty',
];

// Scientists and mathematicians, by surname.
const SCIENTISTS = [
  'ampere', 'avogadro', 'babbage', 'bohr', 'boltzmann', 'carson', 'cavendish', 'chandrasekhar',
  'curie', 'dalton', 'darwin', 'dirac', 'euler', 'faraday', 'fermi', 'feynman',
  'franklin', 'galvani', 'gauss', 'germain', 'heisenberg', 'herschel', 'hodgkin', 'hopper',
  'hubble', 'huygens', 'jenner', 'joule', 'kepler', 'kovalevskaya', 'lamarr', 'laplace',
  'lavoisier', 'leavitt', 'lister', 'lovelace', 'maxwell', 'mcclintock', 'meitner', 'mendel',
  'mendeleev', 'noether', 'ohm', 'pasteur', 'pauling', 'planck', 'raman', 'ramanujan',
  'rutherford', 'sagan', 'somerville', 'tesla', 'turing', 'volta', 'yalow', 'zuse',
];

export const NAME_ADJECTIVES: readonly string[] = ADJECTIVES;
export const NAME_SCIENTISTS: readonly string[] = SCIENTISTS;

export interface GenerateNameOptions {
  /**
   * How many names were already taken in this attempt. Like moby's
   * GetRandomName(retry), any retry appends one random digit, which makes a
   * second collision far less likely.
   */
  retry?: number;
  /** Source of randomness: an integer in [0, max). Defaults to crypto.randomInt. */
  randomInt?: (max: number) => number;
}

/** A random "adjective_scientist" name, e.g. "plucky_noether" (or "plucky_noether7" on retry). */
export function generateName(options: GenerateNameOptions = {}): string {
  const pick = options.randomInt ?? ((max: number) => randomInt(max));
  let name = `${ADJECTIVES[pick(ADJECTIVES.length)]}_${SCIENTISTS[pick(SCIENTISTS.length)]}`;
  if ((options.retry ?? 0) > 0) name += String(pick(10));
  return name;
}
