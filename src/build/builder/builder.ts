/**
 * The Dockerfile builder: context in, image out.
 *
 * receive the context (build-context.ts) → parse the Dockerfile → choose the
 * stages the target needs (stage-plan.ts) → resolve meta ARGs → for each
 * stage: FROM (an image, scratch, or an earlier stage; ONBUILD triggers of
 * the base run first) → each instruction, as a step: compute its cache key,
 * reuse the image an earlier build made for it (build-cache.ts) or run it
 * (metadata-steps.ts, run-step.ts, copy-instruction.ts, WORKDIR here) and make the
 * step's image → --label on the final image → tag → report.
 *
 * Progress goes out as Docker's legacy builder prints it ("Step 2/5 : RUN
 * make", " ---> Using cache", " ---> 1a2b3c4d5e6f", "Successfully built …"),
 * plus, on a cache miss that can be explained, " ---> Cache miss: …".
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { Digest } from '../../content/digest.js';
import { BerthError, InvalidArgumentError, NotFoundError } from '../../errors.js';
import type { ImageRecord } from '../../images/image-store.js';
import type { ImageService } from '../../images/image-service.js';
import { discardLayer, type WrittenLayer } from '../../images/layer-writer.js';
import type { HistoryEntry, ImageConfig } from '../../images/oci-types.js';
import { formatReference, isValidTag, parseNormalizedNamed } from '../../reference/reference.js';
import { DestResolver } from '../../archive/dest-resolver.js';
import { unmountTree } from '../../host/mount.js';
import { startTrace } from '../../storage/trace.js';
import { DockerfileError } from '../dockerfile/dockerfile-error.js';
import { parseCommandText, parseDockerfile } from '../dockerfile/parser.js';
import type { Command, CopyCommand, Dockerfile, FromCommand, Stage, WorkdirCommand } from '../dockerfile/types.js';
import { applyConfigInstruction } from '../../images/config-instructions.js';
import { BuildArgs } from './build-args.js';
import { cacheKey, type BuildCache, type CacheProbe, type StepInputs } from './build-cache.js';
import { ContextStore, type BuildCacheRecord, type BuildContext } from './build-context.js';
import type { BuildOptions } from './build-options.js';
import { prepareCopy } from './copy-instruction.js';
import { expandWord } from '../dockerfile/shell-lex.js';
import { applyMetadata, isMetadataCommand } from './metadata-steps.js';
import { OrderedStageOutput, type BuildProgress, type ProgressSink } from './progress.js';
import { RunFailedError, runArgv, runHistoryText, runStep, type RunStepDeps } from './run-step.js';
import { planStages, type PlannedStage } from './stage-plan.js';
import { argsForRun, expansionEnv, runConfig, shellOf, type StageState } from './stage-state.js';
import { withStepRootfs } from './step-rootfs.js';

export interface BuilderDeps extends RunStepDeps {
  images: ImageService;
  cache: BuildCache;
  /** Where contexts and step mounts live while a build runs. */
  workRoot: string;
}

interface StepContext {
  ctx: BuildContext;
  opts: BuildOptions;
  progress: ProgressSink;
  args: BuildArgs;
  escape: string;
  /** Finished stages by index and by name. */
  stages: Map<string | number, StageState>;
  step: number;
  total: number;
  /** Temp files of this build (downloads, heredocs). */
  scratch: string;
}

export class Builder {
  readonly #contexts: ContextStore;

  constructor(private readonly d: BuilderDeps) {
    this.#contexts = new ContextStore(path.join(d.workRoot, 'contexts'));
  }

  /** Removes what an interrupted build left: step mounts first, then contexts and scratch files. */
  async init(): Promise<void> {
    await unmountTree(this.d.workRoot, { detach: true }).catch(() => 0);
    await fs.rm(this.d.workRoot, { recursive: true, force: true });
    await fs.mkdir(this.d.workRoot, { recursive: true, mode: 0o700 });
  }

  /** Build cache records (the kept contexts), for `system df`. */
  cacheUsage(): Promise<BuildCacheRecord[]> {
    return this.#contexts.usage();
  }

  /** `builder prune` (POST /build/prune). */
  pruneCache(all: boolean, keep: (r: BuildCacheRecord) => boolean): Promise<{ deleted: string[]; reclaimed: number }> {
    return this.#contexts.pruneCache(all, keep);
  }

  /** Builds and tags; returns the image ID. Errors are thrown (the route reports them in the stream). */
  async build(input: Readable, opts: BuildOptions, progress: BuildProgress): Promise<Digest> {
    const tags = opts.tags.map(normalizeTag);
    await fs.mkdir(this.d.workRoot, { recursive: true });
    const trace = startTrace('build');
    const ctx = await this.#contexts.receive(input, opts.dockerfile);
    trace.step('context');
    const scratch = path.join(this.d.workRoot, `scratch-${randomBytes(6).toString('hex')}`);
    try {
      await fs.mkdir(scratch, { recursive: true });
      const df = parseDockerfile(ctx.dockerfile.text, ctx.dockerfile.name);
      const plan = planStages(df, opts.target);
      const labels = Object.keys(opts.labels).length > 0;
      const total = df.metaArgs.length + plan.reduce((n, p) => n + 1 + p.stage.commands.length, 0) + (labels ? 1 : 0);
      const sc: StepContext = { ctx, opts, progress, args: new BuildArgs(opts.buildArgs), escape: df.escape, stages: new Map(), step: 0, total, scratch };
      this.#metaArgs(df, sc);
      const last = await this.#stages(plan, sc);
      if (labels) {
        sc.step = total - 1;
        await this.#labels(last, sc);
      }
      if (!last.imageId) throw new InvalidArgumentError('No image was generated. Is your Dockerfile empty?');
      const unused = sc.args.unused();
      if (unused.length > 0) progress.stream(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
      trace.step('steps');
      trace.end();
      progress.stream(`Successfully built ${shortId(last.imageId)}\n`);
      for (const tag of tags) {
        await this.d.images.tag(last.imageId, tag);
        progress.stream(`Successfully tagged ${familiarTag(tag)}\n`);
      }
      return last.imageId;
    } finally {
      await ctx.release();
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }

  #announce(sc: StepContext, text: string): number {
    sc.step += 1;
    sc.progress.stream(`Step ${sc.step}/${sc.total} : ${text}\n`);
    return sc.step;
  }

  #metaArgs(df: Dockerfile, sc: StepContext): void {
    for (const arg of df.metaArgs) {
      this.#announce(sc, arg.original);
      for (const a of arg.args) {
        const dflt = a.value === undefined ? undefined : expandWord(a.value, sc.args.metaEnv(), sc.escape);
        sc.args.declareMeta(a.key, sc.args.resolve(a.key, dflt, false));
      }
    }
  }

  /**
   * Builds the planned stages, each as soon as the stages it needs are
   * built (independent ones at the same time); their progress is printed in
   * file order with the step numbers a one-by-one build would give. Returns
   * the target stage. The first failing stage's error is thrown once every
   * stage has stopped.
   */
  async #stages(plan: PlannedStage[], sc: StepContext): Promise<StageState> {
    const output = new OrderedStageOutput(sc.progress, plan.map((p) => p.stage.index));
    const running = new Map<number, Promise<StageState>>();
    let step = sc.step;
    for (const p of plan) {
      const own: StepContext = { ...sc, progress: output.sink(p.stage.index), step };
      step += 1 + p.stage.commands.length;
      const needs = p.needs.map((n) => running.get(n)!);
      running.set(
        p.stage.index,
        (async () => {
          try {
            const settled = await Promise.allSettled(needs);
            if (settled.some((r) => r.status === 'rejected')) throw new StageNotBuilt();
            return await this.#stage(p.stage, own);
          } finally {
            output.finish(p.stage.index);
          }
        })(),
      );
    }
    const results = await Promise.allSettled(running.values());
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof StageNotBuilt));
    if (failure) {
      output.flushAll();
      throw failure.reason;
    }
    sc.step = step;
    return running.get(plan.at(-1)!.stage.index)!;
  }

  async #stage(stage: Stage, sc: StepContext): Promise<StageState> {
    const state = await this.#from(stage, sc);
    for (const c of stage.commands) {
      const n = this.#announce(sc, c.original);
      await this.#dispatch(state, c, n, sc);
    }
    sc.stages.set(stage.index, state);
    if (state.name) sc.stages.set(state.name, state);
    return state;
  }

  async #from(stage: Stage, sc: StepContext): Promise<StageState> {
    const from: FromCommand = stage.from;
    const n = this.#announce(sc, from.original);
    const image = expandWord(from.image, sc.args.metaEnv(), sc.escape);
    const base: StageState = {
      index: stage.index,
      ...(from.stageName ? { name: from.stageName } : {}),
      config: emptyConfig(),
      layers: [],
      cmdSet: false,
      args: new Map(),
    };
    const earlier = sc.stages.get(image.toLowerCase());
    if (earlier) {
      Object.assign(base, { imageId: earlier.imageId, config: structuredClone(earlier.config), layers: [...earlier.layers] });
    } else if (image.toLowerCase() !== 'scratch') {
      const record = this.#localImage(image);
      const loaded = await this.d.images.load(record);
      Object.assign(base, { imageId: record.id, config: structuredClone(loaded.config), layers: [...loaded.manifest.layers] });
    }
    sc.progress.stream(` ---> ${base.imageId ? shortId(base.imageId) : ''}\n`);
    const triggers = base.config.config?.OnBuild ?? [];
    if (triggers.length > 0) {
      sc.progress.stream(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? '' : 's'}\n`);
      runConfig(base).OnBuild = []; // triggers run once, in the first child (Docker clears them)
      for (const text of triggers) {
        const c = parseCommandText(text, { ...from.span }, sc.escape);
        await this.#dispatch(base, c, n, sc);
      }
    }
    return base;
  }

  #localImage(ref: string): ImageRecord {
    try {
      return this.d.images.resolve(ref);
    } catch (err) {
      if (err instanceof NotFoundError) {
        throw new NotFoundError(`pull access denied for ${ref}: the image is not here and Berth cannot pull yet (load or build it first)`, { cause: err });
      }
      throw err;
    }
  }

  /** Runs one instruction; its errors name the Dockerfile and line (a failing RUN's keep Docker's words). */
  async #dispatch(state: StageState, c: Command, step: number, sc: StepContext): Promise<void> {
    try {
      await this.#dispatchUnlocated(state, c, step, sc);
    } catch (err) {
      throw located(c, err);
    }
  }

  async #dispatchUnlocated(state: StageState, c: Command, step: number, sc: StepContext): Promise<void> {
    switch (c.kind) {
      case 'FROM':
        throw new InvalidArgumentError(`${c.span.file}:${c.span.startLine}: FROM is not allowed here`);
      case 'RUN':
        return this.#run(state, c, step, sc);
      case 'COPY':
      case 'ADD':
        return this.#copy(state, c, step, sc);
      case 'WORKDIR':
        return this.#workdir(state, c, step, sc);
      default: {
        if (!isMetadataCommand(c)) throw new InvalidArgumentError(`unknown instruction ${(c as Command).kind}`);
        const comment = applyMetadata(state, c, sc.args, sc.escape);
        const text = `${shellOf(state).join(' ')} #(nop)  ${comment}`;
        const inputs: StepInputs = { instruction: comment };
        await this.#cachedOr(state, { parent: state.imageId, key: cacheKey(state.imageId, text), inputs }, text, step, sc, async () => undefined);
      }
    }
  }

  async #run(state: StageState, c: Command & { kind: 'RUN' }, step: number, sc: StepContext): Promise<void> {
    for (const flag of Object.keys(c.flags)) throw new InvalidArgumentError(`RUN --${flag} is not supported by Berth's builder yet`);
    const argv = runArgv(state, c);
    const text = runHistoryText(state, argv);
    const args = Object.fromEntries(argsForRun(state));
    const probe: CacheProbe = { parent: state.imageId, key: cacheKey(state.imageId, text), inputs: { instruction: argv.join(' '), args } };
    await this.#cachedOr(state, probe, text, step, sc, async () => {
      const env = new Map<string, string>([...sc.args.proxyEnv(), ...argsForRun(state)]);
      const r = await runStep(this.d, state, argv, env, sc.progress, {
        removeOnSuccess: sc.opts.rm,
        removeOnFailure: sc.opts.forceRm || sc.opts.rm,
        historyText: argv.join(' '),
      });
      return r.layer;
    });
  }

  async #copy(state: StageState, c: CopyCommand, step: number, sc: StepContext): Promise<void> {
    const from = c.from === undefined ? undefined : await this.#copyFromImage(expandWord(c.from, sc.args.metaEnv(), sc.escape), sc);
    const prepared = await prepareCopy(this.d, state, c, {
      ...(from ? { from } : {}),
      context: sc.ctx,
      hash: (rels) => this.#contexts.hash(sc.ctx, rels),
      scratch: sc.scratch,
      escape: sc.escape,
    });
    await this.#cachedOr(state, prepared.probe, prepared.historyText, step, sc, prepared.make);
  }

  async #copyFromImage(from: string, sc: StepContext): Promise<{ id: string; diffIds: Digest[] }> {
    const stage = /^\d+$/.test(from) ? sc.stages.get(Number(from)) : sc.stages.get(from.toLowerCase());
    if (stage) return { id: stage.imageId ?? 'scratch', diffIds: [...stage.config.rootfs.diff_ids] };
    if (/^\d+$/.test(from)) throw new InvalidArgumentError(`invalid from flag value ${from}: refers to a stage that is not built before this one`);
    const record = this.#localImage(from);
    const loaded = await this.d.images.load(record);
    return { id: record.id, diffIds: [...loaded.config.rootfs.diff_ids] };
  }

  async #workdir(state: StageState, c: WorkdirCommand, step: number, sc: StepContext): Promise<void> {
    const edit = { config: runConfig(state), cmdSet: state.cmdSet };
    const comment = applyConfigInstruction(edit, c, expansionEnv(state), sc.escape);
    const dir = edit.config.WorkingDir!;
    const text = `${shellOf(state).join(' ')} #(nop)  ${comment}`;
    await this.#cachedOr(state, { parent: state.imageId, key: cacheKey(state.imageId, text), inputs: { instruction: comment } }, text, step, sc, () =>
      withStepRootfs(this.d, this.d.workRoot, state.config.rootfs.diff_ids, async (rootfs) => {
        new DestResolver(rootfs, 'scoped').resolveDir(dir.replace(/^\/+/, ''), dir, true);
      }),
    );
  }

  /** --label: one more LABEL step on the final image, values taken literally. */
  async #labels(state: StageState, sc: StepContext): Promise<void> {
    const pairs = Object.entries(sc.opts.labels).sort(([a], [b]) => (a < b ? -1 : 1));
    const comment = `LABEL ${pairs.map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`).join(' ')}`;
    const step = this.#announce(sc, comment);
    const rc = runConfig(state);
    rc.Labels = { ...(rc.Labels ?? {}), ...Object.fromEntries(pairs) };
    const text = `${shellOf(state).join(' ')} #(nop)  ${comment}`;
    await this.#cachedOr(state, { parent: state.imageId, key: cacheKey(state.imageId, text), inputs: { instruction: comment } }, text, step, sc, async () => undefined);
  }

  /**
   * The cache decision of one step: reuse the image an earlier build made
   * (" ---> Using cache"), or run `make` and commit its layer (if any) as
   * a new image with `historyText` in its history.
   */
  async #cachedOr(
    state: StageState,
    probe: CacheProbe,
    historyText: string,
    step: number,
    sc: StepContext,
    make: () => Promise<WrittenLayer | undefined>,
  ): Promise<void> {
    if (!sc.opts.noCache) {
      const hit = this.d.cache.lookup(probe);
      if (hit) {
        const loaded = await this.d.images.load(hit);
        Object.assign(state, { imageId: hit.id, config: structuredClone(loaded.config), layers: [...loaded.manifest.layers] });
        sc.progress.stream(` ---> Using cache\n ---> ${shortId(hit.id)}\n`);
        return;
      }
      const why = await this.d.cache.explainMiss(probe);
      // Always said when the same step ran before with other files or args; the rest with --explain.
      if (why && (why.sameStep || sc.opts.explain)) sc.progress.stream(` ---> Cache miss: ${why.text}\n`);
      else if (sc.opts.explain) {
        sc.progress.stream(
          state.rebuiltAt !== undefined ? ` ---> Cache miss: the step before was rebuilt (step ${state.rebuiltAt})\n` : ' ---> Cache miss: not built before\n',
        );
      }
    } else if (sc.opts.explain) sc.progress.stream(' ---> Cache miss: --no-cache\n');
    state.rebuiltAt ??= step;
    const layer = await make();
    const created = new Date().toISOString();
    const history: HistoryEntry = { created, created_by: historyText, ...(layer ? {} : { empty_layer: true }) };
    const config: ImageConfig = {
      ...structuredClone(state.config),
      created,
      rootfs: { type: 'layers', diff_ids: [...state.config.rootfs.diff_ids, ...(layer ? [layer.desc.digest] : [])] },
      history: [...(state.config.history ?? []), history],
    };
    delete config.container;
    const layers = [...state.layers, ...(layer ? [layer.desc] : [])];
    let record: ImageRecord;
    try {
      record = await this.d.images.create({ config, layers, ...(state.imageId ? { parent: state.imageId } : {}), buildKey: probe.key });
    } catch (err) {
      if (layer) await discardLayer(this.d, layer);
      throw err;
    }
    await this.d.cache.remember(record.id, probe.inputs);
    Object.assign(state, { imageId: record.id, config, layers });
    sc.progress.stream(` ---> ${shortId(record.id)}\n`);
  }
}

/**
 * An instruction's error with its place: "Dockerfile:7: COPY failed: …". A failing RUN keeps
 * Docker's own words ("The command '…' returned a non-zero code: 3") and errors already located
 * pass unchanged; the kind (not found, invalid, …) is kept.
 */
function located(c: Command, err: unknown): unknown {
  if (!(err instanceof BerthError) || err instanceof RunFailedError || err instanceof DockerfileError) return err;
  const where = `${c.span.file}:${c.span.startLine}: `;
  if (err.message.startsWith(where)) return err;
  const Kind = err.constructor as new (message: string, options?: { cause?: unknown }) => BerthError;
  return new Kind(where + err.message, { cause: err });
}

/** A stage that did not run because a stage it needs failed (that failure is the one reported). */
class StageNotBuilt extends Error {}

function emptyConfig(): ImageConfig {
  return { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
}

function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** A -t value as the full reference it tags, ":latest" when none; Docker's errors for bad ones. */
function normalizeTag(t: string): string {
  const ref = parseNormalizedNamed(t);
  if (ref.digest !== undefined) throw new InvalidArgumentError(`invalid tag ${JSON.stringify(t)}: a tag cannot carry a digest`);
  const tag = ref.tag ?? 'latest';
  if (!isValidTag(tag)) throw new InvalidArgumentError(`invalid tag ${JSON.stringify(t)}: invalid tag format`);
  return formatReference({ ...ref, tag });
}

/** The tag as Docker prints it after "Successfully tagged" (familiar name). */
function familiarTag(full: string): string {
  return full.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
}

