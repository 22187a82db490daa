/**
 * An htpasswd file of bcrypt entries (`user:$2y$05$…`, as `htpasswd -B`
 * writes), the user store for both Basic and token modes.
 *
 * bcrypt is slow on purpose (cost 10 ≈ 70 ms in pure JS), and a Basic-auth
 * client sends its password on every request of a push, so a pair that
 * verified once is remembered as an HMAC under a key that lives only in this
 * process; the memory is dropped whenever the file changes, so a removed
 * user or a changed password takes effect at once.
 */
import { createHmac, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { InvalidArgumentError } from '../../errors.js';
import { ReloadingFile } from './reloading-file.js';

const BCRYPT = /^\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}$/;
const CACHE_LIMIT = 1024;
/** Compared against when the user is unknown, so timing does not tell which users exist. */
const DUMMY_HASH = '$2b$08$9XIwPEYodrn76SfMjXUSoOx3tiymvT.CJXne4KfSWrrBS6oSHRgzG';

/** Parses htpasswd text into user → bcrypt hash; other hash kinds are refused by name. */
export function parseHtpasswd(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new InvalidArgumentError(`htpasswd line ${i + 1}: expected user:hash`);
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    if (!BCRYPT.test(hash)) {
      // Distribution supports bcrypt only; say so instead of refusing the user silently later.
      process.emitWarning(`htpasswd line ${i + 1}: user ${user} has no bcrypt hash (use htpasswd -B); ignored`);
      continue;
    }
    users.set(user, hash);
  }
  return users;
}

export class HtpasswdFile {
  readonly #file: ReloadingFile<Map<string, string>>;
  readonly #hmacKey = randomBytes(32);
  #verified = new Set<string>();
  #cacheOf: Map<string, string> | undefined;

  constructor(path: string) {
    this.#file = new ReloadingFile(path, parseHtpasswd);
  }

  /** Reads the file once; throws when it is missing or malformed. */
  async open(): Promise<void> {
    await this.#file.open();
  }

  /** True when the user exists and the password matches its bcrypt hash. */
  async verify(user: string, password: string): Promise<boolean> {
    const users = await this.#file.get();
    if (users !== this.#cacheOf) {
      this.#verified = new Set();
      this.#cacheOf = users;
    }
    const hash = users.get(user);
    if (hash === undefined) {
      await bcrypt.compare(password, DUMMY_HASH);
      return false;
    }
    const mark = createHmac('sha256', this.#hmacKey).update(`${user}\0${password}\0${hash}`).digest('base64');
    if (this.#verified.has(mark)) return true;
    const ok = await bcrypt.compare(password, hash);
    if (ok) {
      if (this.#verified.size >= CACHE_LIMIT) this.#verified.clear();
      this.#verified.add(mark);
    }
    return ok;
  }

  /** A short fingerprint of the user's current hash: lets a refresh token die when the password changes. */
  async fingerprint(user: string): Promise<string | undefined> {
    const hash = (await this.#file.get()).get(user);
    return hash === undefined ? undefined : createHmac('sha256', 'berth-refresh').update(hash).digest('base64url').slice(0, 16);
  }
}
