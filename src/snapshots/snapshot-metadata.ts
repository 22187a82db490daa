/**
 * The snapshotter's bookkeeping: which snapshots exist, their kind, parent,
 * labels and the numeric id of their directory. One JSON file, rewritten
 * whole with writeJsonAtomic on every change, so a crash leaves the old or
 * the new state and never half of one.
 *
 * The in-memory state is replaced only after the file is written, so a
 * failed write changes nothing and readers never see an unsaved state.
 * Callers serialise mutations (the snapshotter's mutex).
 */
import { DataLossError } from '../errors.js';
import { readJsonIfExists, writeJsonAtomic } from '../storage/atomic-write.js';
import type { SnapshotKind } from './types.js';

export interface SnapshotRecord {
  id: number;
  kind: SnapshotKind;
  parent?: string;
  created: string;
  labels: Record<string, string>;
}

interface MetadataFile {
  version: 1;
  nextId: number;
  /** By key (active, view) or name (committed). */
  snapshots: Record<string, SnapshotRecord>;
}

export class SnapshotMetadata {
  readonly #file: string;
  #state: MetadataFile = { version: 1, nextId: 1, snapshots: {} };

  constructor(file: string) {
    this.#file = file;
  }

  async load(): Promise<void> {
    const data = await readJsonIfExists<MetadataFile>(this.#file);
    if (data === undefined) return;
    if (data.version !== 1 || typeof data.nextId !== 'number' || typeof data.snapshots !== 'object' || data.snapshots === null) {
      throw new DataLossError(`snapshot metadata ${this.#file} is not in a known format`);
    }
    this.#state = data;
  }

  get(key: string): SnapshotRecord | undefined {
    return Object.hasOwn(this.#state.snapshots, key) ? this.#state.snapshots[key] : undefined;
  }

  entries(): Array<[string, SnapshotRecord]> {
    return Object.entries(this.#state.snapshots);
  }

  ids(): Set<number> {
    return new Set(Object.values(this.#state.snapshots).map((r) => r.id));
  }

  children(key: string): string[] {
    return this.entries()
      .filter(([, r]) => r.parent === key)
      .map(([k]) => k);
  }

  /** The id the next new snapshot directory gets; it is used up by an update with consumeId. */
  nextId(): number {
    return this.#state.nextId;
  }

  /** Applies edit to a copy, writes it, then makes it current. */
  async update(edit: (snapshots: Record<string, SnapshotRecord>) => void, opts: { consumeId?: boolean } = {}): Promise<void> {
    const snapshots = { ...this.#state.snapshots };
    edit(snapshots);
    const next: MetadataFile = { version: 1, nextId: this.#state.nextId + (opts.consumeId ? 1 : 0), snapshots };
    await writeJsonAtomic(this.#file, next);
    this.#state = next;
  }
}
