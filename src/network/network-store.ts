/**
 * Durable network records: one JSON file per network under
 * <data-root>/networks/, written atomically. Lookups follow Docker's order:
 * full ID, then exact name, then a unique ID prefix.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AlreadyExistsError, NotFoundError } from '../errors.js';
import { readJsonIfExists, sweepTempFiles, writeJsonAtomic } from '../storage/atomic-write.js';
import type { NetworkRecord } from './network-record.js';

export class NetworkStore {
  readonly #root: string;
  readonly #byId = new Map<string, NetworkRecord>();

  constructor(dataRoot: string) {
    this.#root = path.join(dataRoot, 'networks');
  }

  async init(): Promise<NetworkRecord[]> {
    await fs.mkdir(this.#root, { recursive: true });
    await sweepTempFiles(this.#root);
    for (const f of await fs.readdir(this.#root)) {
      if (!f.endsWith('.json')) continue;
      const rec = await readJsonIfExists<NetworkRecord>(path.join(this.#root, f));
      if (rec) this.#byId.set(rec.id, rec);
    }
    return this.list();
  }

  list(): NetworkRecord[] {
    return [...this.#byId.values()];
  }

  get(idOrName: string): NetworkRecord {
    const found = this.tryGet(idOrName);
    if (!found) throw new NotFoundError(`network ${idOrName} not found`);
    return found;
  }

  tryGet(idOrName: string): NetworkRecord | undefined {
    const exact = this.#byId.get(idOrName);
    if (exact) return exact;
    const byName = this.list().find((n) => n.name === idOrName);
    if (byName) return byName;
    if (/^[a-f0-9]+$/.test(idOrName)) {
      const matches = this.list().filter((n) => n.id.startsWith(idOrName));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  /** Saves a new network; its name must be free (checked again here, after any await of the caller). */
  async add(rec: NetworkRecord): Promise<void> {
    if (this.list().some((n) => n.name === rec.name)) throw new AlreadyExistsError(`network with name ${rec.name} already exists`);
    this.#byId.set(rec.id, rec);
    try {
      await writeJsonAtomic(this.#file(rec.id), rec);
    } catch (err) {
      this.#byId.delete(rec.id);
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    await fs.rm(this.#file(id), { force: true });
    this.#byId.delete(id);
  }

  #file(id: string): string {
    return path.join(this.#root, `${id}.json`);
  }
}
