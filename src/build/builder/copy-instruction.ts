/**
 * COPY and ADD as build steps: everything the builder must know before the
 * cache decision — sources resolved (context files, heredocs written out,
 * URLs fetched, or another stage's/image's root), their content hashed,
 * the history text Docker writes ("COPY file:<hash> in /dest ") and the
 * cache key — and how to make the layer when the cache misses. The copy
 * itself is copy-step.ts.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Digest } from '../../content/digest.js';
import type { WrittenLayer } from '../../images/layer-writer.js';
import type { TreeHash } from '../context/content-hash.js';
import { expandHeredoc, expandWord } from '../dockerfile/shell-lex.js';
import type { CopyCommand } from '../dockerfile/types.js';
import { cacheKey, type CacheProbe } from './build-cache.js';
import type { BuildContext } from './build-context.js';
import {
  absoluteDest,
  applyCopy,
  checkCopyFlags,
  checkSeveralSources,
  download,
  fileDigest,
  parseChmod,
  resolveSources,
  sourceLabel,
  type ResolvedSource,
} from './copy-step.js';
import { expansionEnv, shellOf, type StageState } from './stage-state.js';
import { withImageView, withStepRootfs, type StepRootfsDeps } from './step-rootfs.js';

export interface CopyInputs {
  /** --from: the stage or image the sources come from (its image ID and layers); absent: the context. */
  from?: { id: string; diffIds: Digest[] };
  context: BuildContext;
  /** The content hash of context paths (remembered per context by the context store). */
  hash(rels: string[]): Promise<TreeHash>;
  /** Where heredoc files and downloads are written for this build. */
  scratch: string;
  escape: string;
}

export interface PreparedCopy {
  probe: CacheProbe;
  historyText: string;
  /** Runs the copy on a step rootfs: the step's layer (undefined when it changed nothing). */
  make(): Promise<WrittenLayer | undefined>;
}

export async function prepareCopy(deps: StepRootfsDeps, state: StageState, c: CopyCommand, io: CopyInputs): Promise<PreparedCopy> {
  checkCopyFlags(c);
  const env = expansionEnv(state);
  const chmod = parseChmod(c.chmod);
  const chown = c.chown === undefined ? undefined : expandWord(c.chown, env, io.escape);
  const dest = absoluteDest(expandWord(c.dest, env, io.escape), state.config.config?.WorkingDir);
  const heredocs = new Map(c.heredocs.map((h) => [h.name, h]));
  const names = new Map<string, string>(); // host path → name in the destination
  const sources: ResolvedSource[] = [];
  const fromRoot: string[] = [];
  const files: Record<string, string> = {};
  for (const raw of c.sources) {
    const heredoc = heredocs.get(raw.replace(/^<<-?/, '').replace(/^["']|["']$/g, ''));
    if (heredoc) {
      const file = path.join(io.scratch, `heredoc-${randomBytes(6).toString('hex')}`);
      await fs.writeFile(file, heredoc.expand ? expandHeredoc(heredoc.content, env) : heredoc.content, { mode: 0o644 });
      sources.push({ host: file, rel: heredoc.name, unpack: false });
      names.set(file, heredoc.name);
      files[`<<${heredoc.name}`] = await fileDigest(file);
      continue;
    }
    const src = expandWord(raw, env, io.escape);
    if (c.kind === 'ADD' && /^https?:\/\//i.test(src)) {
      const got = await download(src, io.scratch);
      sources.push(got);
      names.set(got.host, got.name);
      files[src] = await fileDigest(got.host);
      continue;
    }
    fromRoot.push(src);
  }

  let label: string;
  let resolvedInContext: ResolvedSource[] | undefined;
  if (io.from) {
    // Another image's files: its ID stands for their content.
    label = sourceLabel(sources, cacheKey(undefined, io.from.id, fromRoot));
  } else {
    const resolved = await resolveSources(io.context.dir, fromRoot, c.kind);
    resolvedInContext = resolved;
    checkSeveralSources({ sources: [...sources, ...resolved], dest, destIsDir: dest.endsWith('/'), instruction: c.kind });
    const hashed = await io.hash(resolved.map((r) => r.rel));
    for (const [p, d] of hashed.files) files[p] = d;
    label = sourceLabel([...sources, ...resolved], cacheKey(undefined, hashed.digest, Object.values(files).sort()));
  }
  const historyText = `${shellOf(state).join(' ')} #(nop) ${c.kind} ${label} in ${dest} `;
  const instruction = `${c.kind}${c.from !== undefined ? ` --from=${c.from}` : ''} ${c.sources.join(' ')} ${dest}`;
  const probe: CacheProbe = {
    parent: state.imageId,
    key: cacheKey(state.imageId, historyText, [chown ?? '', c.chmod ?? '']),
    inputs: { instruction, files },
  };

  const copyFrom = async (root: string): Promise<WrittenLayer | undefined> => {
    const all = [...sources, ...(root === io.context.dir && resolvedInContext ? resolvedInContext : await resolveSources(root, fromRoot, c.kind))];
    const plan = { sources: all, dest, destIsDir: dest.endsWith('/') || all.length > 1, instruction: c.kind, ...(chown ? { chown } : {}), ...(chmod !== undefined ? { chmod } : {}) };
    return withStepRootfs(deps, deps.workRoot, state.config.rootfs.diff_ids, (rootfs, upper) => applyCopy(rootfs, plan, names, upper));
  };
  const from = io.from;
  return {
    probe,
    historyText,
    make: () => (from ? withImageView(deps, deps.workRoot, from.diffIds, copyFrom) : copyFrom(io.context.dir)),
  };
}
