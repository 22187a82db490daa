/**
 * The build cache, and why it missed.
 *
 * A step's result is an image whose parent is the previous step's image and
 * whose record carries the step's cache key: a hash of the parent image ID,
 * the step's history text (instruction with expanded values; for RUN the
 * build args it sees; for COPY/ADD a hash of the copied content, never of
 * mtimes) and any extra inputs (COPY --chown/--chmod). A step is reused when
 * an image with that parent and key exists — the same rule as Docker's
 * legacy builder, which compares a child image's recorded run config.
 *
 * Explanations: next to every image a build makes, the inputs of its step
 * are kept (`<root>/<image hex>.json`: instruction, args, per-file digests).
 * On a miss, the step's new inputs are compared with those of the images
 * already built on the same parent, which names what changed: the
 * instruction text, a build arg, or files by path. When no image was ever
 * built on the parent, the parent itself is new: an earlier step was rebuilt.
 * These files are cache metadata: written without fsync (losing one only
 * loses an explanation), and removed with their image by the daemon's GC.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Digest } from '../../content/digest.js';
import type { ImageRecord, ImageStore } from '../../images/image-store.js';
import { readJsonIfExists, writeFileAtomic } from '../../storage/atomic-write.js';

export interface StepInputs {
  /** The instruction as it ran, values expanded ("COPY app.js /srv/", "RUN make"). */
  instruction: string;
  /** Build args the step saw (RUN). */
  args?: Record<string, string>;
  /** Copied files: path → content digest (COPY/ADD from the context). */
  files?: Record<string, string>;
}

export interface CacheProbe {
  parent: Digest | undefined;
  key: string;
  inputs: StepInputs;
}

export function cacheKey(parent: Digest | undefined, historyText: string, extra: readonly string[] = []): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(['berth-build-v1', parent ?? 'scratch', historyText, ...extra]));
  return `sha256:${h.digest('hex')}`;
}

export class BuildCache {
  constructor(
    private readonly store: ImageStore,
    private readonly dir: string,
  ) {}

  /** Creates the directory, drops inputs whose image is gone, and follows image deletions from now on. */
  async init(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const live = new Set(this.store.list().map((r) => r.id.replace(/^sha256:/, '')));
    for (const name of await fs.readdir(this.dir)) {
      if (!live.has(name.replace(/\.json$/, ''))) await fs.rm(path.join(this.dir, name), { force: true });
    }
    this.store.onDelete((id) => void this.forget(id).catch(() => undefined));
  }

  #candidates(parent: Digest | undefined): ImageRecord[] {
    const children = parent ? this.store.children(parent) : this.store.list().filter((r) => !r.parent);
    return children.filter((r) => r.buildKey).sort((a, b) => (a.added < b.added ? 1 : a.added > b.added ? -1 : 0));
  }

  /** The image an earlier build made for this step, if any. */
  lookup(probe: CacheProbe): ImageRecord | undefined {
    return this.#candidates(probe.parent).find((r) => r.buildKey === probe.key);
  }

  async remember(imageId: Digest, inputs: StepInputs): Promise<void> {
    await writeFileAtomic(this.#file(imageId), JSON.stringify(inputs), { durable: false });
  }

  async forget(imageId: Digest): Promise<void> {
    await fs.rm(this.#file(imageId), { force: true });
  }

  #file(id: Digest): string {
    return path.join(this.dir, `${id.replace(/^sha256:/, '')}.json`);
  }

  /**
   * Why the cache missed, in a few words, or undefined when nothing was
   * ever built on this parent (a first build: nothing to explain).
   * `sameStep` is true when an earlier build ran this very instruction here
   * (its files or args changed); false when only other instructions were
   * built on this parent (perhaps by another Dockerfile).
   */
  async explainMiss(probe: CacheProbe): Promise<{ text: string; sameStep: boolean } | undefined> {
    const candidates = this.#candidates(probe.parent);
    if (candidates.length === 0) return undefined;
    const known: StepInputs[] = [];
    for (const c of candidates.slice(0, 16)) {
      const inputs = await readJsonIfExists<StepInputs>(this.#file(c.id));
      if (inputs) known.push(inputs);
    }
    const same = known.find((k) => k.instruction === probe.inputs.instruction);
    if (same) {
      const files = changedFiles(same.files ?? {}, probe.inputs.files ?? {});
      if (files.length > 0) return { text: `files changed: ${summarise(files)}`, sameStep: true };
      const args = changedArgs(same.args ?? {}, probe.inputs.args ?? {});
      if (args.length > 0) return { text: `build arg changed: ${args.join(', ')}`, sameStep: true };
      return { text: 'inputs changed (flags or options)', sameStep: true };
    }
    const previous = known[0];
    if (!previous) return { text: 'no record of the earlier builds on this parent', sameStep: false };
    return { text: `instruction changed: the last step built on this parent was "${clip(previous.instruction)}"`, sameStep: false };
  }
}

function changedFiles(before: Record<string, string>, after: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [p, d] of Object.entries(after)) {
    if (!(p in before)) out.push(`+${p}`);
    else if (before[p] !== d) out.push(p);
  }
  for (const p of Object.keys(before)) if (!(p in after)) out.push(`-${p}`);
  return out.sort((a, b) => (a.replace(/^[+-]/, '') < b.replace(/^[+-]/, '') ? -1 : 1));
}

function changedArgs(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k} (${before[k] === undefined ? 'unset' : JSON.stringify(before[k])} → ${after[k] === undefined ? 'unset' : JSON.stringify(after[k])})`);
}

function summarise(items: string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function clip(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
