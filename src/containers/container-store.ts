/**
 * Durable container records: one directory per container under
 * <data-root>/containers/<id>/, holding config.json (the record, written
 * atomically on every state change), the json-file log, the bundle and the
 * rootfs mount point. Lookups by full ID, unique ID prefix, or name.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../errors.js';
import { readJsonIfExists, sweepTempFiles, writeJsonAtomic } from '../storage/atomic-write.js';
import type { ContainerId, ContainerRecord } from './container.js';

export class ContainerStore {
  readonly root: string;
  #byId = new Map<ContainerId, ContainerRecord>();
  #byName = new Map<string, ContainerId>();

  constructor(dataRoot: string) {
    this.root = path.join(dataRoot, 'containers');
  }

  async init(): Promise<ContainerRecord[]> {
    await fs.mkdir(this.root, { recursive: true });
    for (const id of await fs.readdir(this.root)) {
      const dir = path.join(this.root, id);
      await sweepTempFiles(dir);
      const rec = await readJsonIfExists<ContainerRecord>(path.join(dir, 'config.json'));
      if (!rec) {
        // A create that crashed before its record landed: nothing refers to it.
        await fs.rm(dir, { recursive: true, force: true });
        continue;
      }
      this.#byId.set(rec.id, rec);
      this.#byName.set(rec.name, rec.id);
    }
    return this.list();
  }

  dir(id: ContainerId): string {
    return path.join(this.root, id);
  }

  list(): ContainerRecord[] {
    return [...this.#byId.values()];
  }

  /** By full ID, name (with or without "/"), or unique ID prefix — Docker's order. */
  get(idOrName: string): ContainerRecord {
    const exact = this.#byId.get(idOrName as ContainerId);
    if (exact) return exact;
    const name = idOrName.startsWith('/') ? idOrName.slice(1) : idOrName;
    const byName = this.#byName.get(name);
    if (byName) return this.#byId.get(byName)!;
    if (/^[a-f0-9]+$/.test(idOrName)) {
      const matches = [...this.#byId.keys()].filter((id) => id.startsWith(idOrName));
      if (matches.length === 1) return this.#byId.get(matches[0]!)!;
      if (matches.length > 1) throw new ConflictError(`multiple IDs found with provided prefix: ${idOrName}`);
    }
    throw new NotFoundError(`No such container: ${idOrName}`);
  }

  tryGet(idOrName: string): ContainerRecord | undefined {
    try {
      return this.get(idOrName);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** Reserves the name before anything is created, so two creates cannot both win it. */
  reserveName(name: string, id: ContainerId): void {
    const holder = this.#byName.get(name);
    if (holder && holder !== id) {
      throw new AlreadyExistsError(
        `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    this.#byName.set(name, id);
  }

  releaseName(name: string, id: ContainerId): void {
    if (this.#byName.get(name) === id) this.#byName.delete(name);
  }

  async save(rec: ContainerRecord): Promise<void> {
    const dir = this.dir(rec.id);
    await fs.mkdir(dir, { recursive: true });
    await writeJsonAtomic(path.join(dir, 'config.json'), rec);
    this.#byId.set(rec.id, rec);
    this.#byName.set(rec.name, rec.id);
  }

  async delete(rec: ContainerRecord): Promise<void> {
    // Drop the record file first: once it is gone the container is gone, even if
    // removing the rest of the directory is interrupted (init() sweeps it).
    await fs.rm(path.join(this.dir(rec.id), 'config.json'), { force: true });
    this.#byId.delete(rec.id);
    this.releaseName(rec.name, rec.id);
    await fs.rm(this.dir(rec.id), { recursive: true, force: true });
  }
}
