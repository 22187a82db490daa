/**
 * The docker CLI's config file, where `login` keeps registry credentials:
 * `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, so `berth` and
 * `docker` share logins.
 *
 *   {
 *   	"auths": {
 *   		"127.0.0.1:5000": {
 *   			"auth": "Ym9iOnMzY3JldA=="          ← base64("bob:s3cret")
 *   		}
 *   	},
 *   	"psFormat": "…"                             ← every other key kept as it was
 *   }
 *
 * Lifecycle: ConfigFile.load() reads the file once per command (a missing
 * file is an empty config; a malformed one is reported through `warn` and
 * read as empty, as docker does) → getAuthConfig() for requests → store() /
 * erase() change one entry and save at once. A save writes a temp file
 * beside the target, fsyncs and renames it over (src/storage/atomic-write.ts),
 * so a crash leaves the old file or the new one. A new file is created 0600
 * in a 0700 directory; an existing file keeps its mode and owner, and a
 * symlinked config.json is written through to its target, as docker does.
 * Unlike docker, a file that could not be parsed is never overwritten.
 */
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { FailedPreconditionError, isErrno } from '../../errors.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { goJsonStringify } from '../../units/go-json.js';
import type { RegistryAuthConfig } from '../client/types.js';
import { convertToHostname, decodeAuthField, encodeAuthField } from './auth-config.js';

export const CONFIG_FILE_NAME = 'config.json';

/** docker's config.Dir(): $DOCKER_CONFIG, else $HOME/.docker. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['DOCKER_CONFIG'];
  if (dir !== undefined && dir !== '') return dir;
  const home = env['HOME'];
  return path.join(home !== undefined && home !== '' ? home : homedir(), '.docker');
}

export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), CONFIG_FILE_NAME);
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Two auth configs docker would call equal (its struct ==): every field the same. */
function sameAuth(a: RegistryAuthConfig | undefined, b: RegistryAuthConfig): boolean {
  if (a === undefined) return false;
  const keys = ['username', 'password', 'auth', 'email', 'serveraddress', 'identitytoken', 'registrytoken'] as const;
  return keys.every((k) => (a[k] ?? '') === (b[k] ?? ''));
}

export class ConfigFile {
  readonly filename: string;
  /** The whole document, so keys Berth does not know survive a save. */
  readonly #doc: Json;
  /** Decoded credentials by key: username/password out of `auth`, serveraddress = key. */
  readonly #auths: Map<string, RegistryAuthConfig>;
  /** Set when the file exists but could not be read as a config: never write over it. */
  readonly #unreadable: string | undefined;

  private constructor(filename: string, doc: Json, auths: Map<string, RegistryAuthConfig>, unreadable?: string) {
    this.filename = filename;
    this.#doc = doc;
    this.#auths = auths;
    this.#unreadable = unreadable;
  }

  /**
   * Reads the file. Trouble other than absence is passed to `warn` as docker
   * words it ("WARNING: Error parsing config file (…): …") and the config is
   * empty.
   */
  static async load(filename: string = configFilePath(), warn: (message: string) => void = () => undefined): Promise<ConfigFile> {
    let text: string;
    try {
      text = await fs.readFile(filename, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return new ConfigFile(filename, {}, new Map());
      const reason = err instanceof Error ? err.message : String(err);
      warn(`WARNING: Error loading config file: ${filename}: ${reason}`);
      return new ConfigFile(filename, {}, new Map(), reason);
    }
    try {
      const doc = text.trim() === '' ? {} : (JSON.parse(text) as unknown);
      if (!isObject(doc)) throw new Error('the file is not a JSON object');
      return new ConfigFile(filename, doc, decodeAuths(doc['auths']));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      warn(`WARNING: Error parsing config file (${filename}): ${reason}`);
      return new ConfigFile(filename, {}, new Map(), reason);
    }
  }

  /** Every stored credential, by key. */
  authConfigs(): ReadonlyMap<string, RegistryAuthConfig> {
    return this.#auths;
  }

  /**
   * docker's file store Get: the entry under `key`, else one whose key has
   * that host ("http://h:5000" for "h:5000", as older docker versions stored
   * it), else an empty config. serveraddress is the key it was found under.
   */
  getAuthConfig(key: string): RegistryAuthConfig {
    const exact = this.#auths.get(key);
    if (exact !== undefined) return { ...exact };
    for (const [k, v] of this.#auths) if (convertToHostname(k) === key) return { ...v };
    return {};
  }

  /**
   * Stores `auth` under its serveraddress and saves. Returns false, writing
   * nothing, when the same credentials are already stored (docker's store
   * is idempotent, and then prints no warning either).
   */
  async store(auth: RegistryAuthConfig): Promise<boolean> {
    const key = auth.serveraddress ?? '';
    const entry: RegistryAuthConfig = { ...auth, serveraddress: key };
    delete entry.auth;
    if (sameAuth(this.#auths.get(key), entry)) return false;
    this.#auths.set(key, entry);
    await this.save();
    return true;
  }

  /** Removes the credentials under each key that has some, then saves once. Returns the keys removed. */
  async erase(keys: readonly string[]): Promise<string[]> {
    const removed = keys.filter((k) => this.#auths.delete(k));
    if (removed.length > 0) await this.save();
    return removed;
  }

  /** Writes the file atomically: other keys as they were, `auths` re-encoded, tab-indented as docker's MarshalIndent. */
  async save(): Promise<void> {
    if (this.#unreadable !== undefined) {
      throw new FailedPreconditionError(`refusing to overwrite config file ${this.filename}, which could not be read: ${this.#unreadable}`);
    }
    const auths = new Map<string, RegistryAuthConfig>();
    for (const [key, a] of this.#auths) {
      const stored: RegistryAuthConfig = { auth: encodeAuthField(a.username ?? '', a.password ?? '') };
      if (a.email !== undefined) stored.email = a.email;
      if (a.identitytoken !== undefined) stored.identitytoken = a.identitytoken;
      if (a.registrytoken !== undefined) stored.registrytoken = a.registrytoken;
      auths.set(key, stored);
    }
    // docker puts "auths" first; a file that had it keeps its place.
    const doc: Json = 'auths' in this.#doc ? { ...this.#doc } : { auths: undefined, ...this.#doc };
    doc['auths'] = auths;
    const text = goJsonStringify(doc, { indent: '\t' });

    const target = await resolveSymlink(this.filename);
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const existing = await fs.stat(target).catch((err: unknown) => {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    });
    const mode = existing !== undefined ? existing.mode & 0o7777 : 0o600;
    await writeFileAtomic(target, text, { mode });
    if (existing !== undefined) {
      // The umask may have narrowed the mode, and the temp file is ours: give both back.
      await fs.chmod(target, mode);
      await fs.chown(target, existing.uid, existing.gid).catch(() => undefined);
    }
  }
}

/** A symlinked config.json is written through to its target (one level, relative to its directory). */
async function resolveSymlink(file: string): Promise<string> {
  const st = await fs.lstat(file).catch(() => undefined);
  if (st === undefined || !st.isSymbolicLink()) return file;
  return path.resolve(path.dirname(file), await fs.readlink(file));
}

/** The `auths` object as docker's LoadFromReader decodes it. */
function decodeAuths(raw: unknown): Map<string, RegistryAuthConfig> {
  const out = new Map<string, RegistryAuthConfig>();
  if (raw === undefined || raw === null) return out;
  if (!isObject(raw)) throw new Error('"auths" is not an object');
  for (const [key, value] of Object.entries(raw)) {
    const v = isObject(value) ? value : {};
    const a: RegistryAuthConfig = { serveraddress: key };
    const auth = str(v['auth']);
    const creds = auth !== undefined ? decodeAuthField(auth) : { username: str(v['username']) ?? '', password: str(v['password']) ?? '' };
    if (creds.username !== '') a.username = creds.username;
    if (creds.password !== '') a.password = creds.password;
    for (const k of ['email', 'identitytoken', 'registrytoken'] as const) {
      const s = str(v[k]);
      if (s !== undefined) a[k] = s;
    }
    out.set(key, a);
  }
  return out;
}
