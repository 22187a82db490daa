/**
 * `docker commit`: a container's own changes → a new image on top of its image.
 *
 * Flow: check the container may be committed → build the new runtime config
 * (request Config or the container's, then `--change`, then Docker's merge
 * with the container's config) → pause a running container (pause=1) →
 * pack its upper dir once, overlay whiteouts turned into OCI ones, teed into
 * the content store (hashed as it streams; uncompressed, so the blob digest
 * is the diff ID) and into the new layer's snapshot → unpause, even on error
 * → image config = parent config + new layer + history entry →
 * ImageService.create (the layer is already unpacked; it tags the image).
 *
 * A container with no changes gets an empty-layer history entry and no new
 * layer, as Docker's containerd store does.
 */
import type { ContainerConfigWire } from '../api/types/container-wire.js';
import type { ContainerService } from '../containers/container-service.js';
import type { ContainerSignals } from '../containers/container-signals.js';
import { guards, type ContainerRecord } from '../containers/container.js';
import type { ContentStore } from '../content/content-store.js';
import type { Digest } from '../content/digest.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { familiarString, normalizeReference } from '../reference/reference.js';
import type { Snapshotter } from '../snapshots/types.js';
import { startTrace } from '../storage/trace.js';
import { applyChanges } from './change-instructions.js';
import type { ImageService } from './image-service.js';
import { discardLayer, writeLayer, type WrittenLayer } from './layer-writer.js';
import type { ContainerConfigFields, HistoryEntry, ImageConfig } from './oci-types.js';

export interface CommitDeps {
  containers: ContainerService;
  signals: ContainerSignals;
  images: ImageService;
  content: ContentStore;
  snapshotter: Snapshotter;
}

export interface CommitOptions {
  /** Container ID or name. */
  container: string;
  /** Full reference to tag the image with. */
  reference?: string;
  comment?: string;
  author?: string;
  /** Pause a running container while its layer is packed (Docker's default). */
  pause?: boolean;
  changes?: readonly string[];
  /** Replaces the container's config as the base of the new one (the request body). */
  config?: ContainerConfigWire;
}

export async function commitContainer(deps: CommitDeps, opts: CommitOptions): Promise<Digest> {
  const c = deps.containers.store.get(opts.container);
  guards.checkCommit(c);
  const containerConfig = imageFields(c.config);
  // Changes are checked before anything is paused or written.
  const runtimeConfig = mergeWithContainer(applyChanges(opts.config ? imageFields(opts.config) : containerConfig, opts.changes ?? []), containerConfig);

  let base;
  try {
    base = await deps.images.load(deps.images.store.get(c.imageId));
  } catch (err) {
    if (err instanceof NotFoundError) throw new ConflictError(`cannot commit container ${c.id}: its image ${c.imageId} no longer exists`, { cause: err });
    throw err;
  }

  const trace = startTrace(`commit ${c.id.slice(0, 12)}`);
  const packed = await packLayer(deps, c, opts.pause !== false, base.config.rootfs.diff_ids);
  trace.step('layer');
  const layer = packed?.desc;
  const created = new Date().toISOString();
  const history: HistoryEntry = {
    created,
    created_by: commandLine(c.config.Cmd),
    ...(opts.author ? { author: opts.author } : {}),
    ...(opts.comment ? { comment: opts.comment } : {}),
    ...(layer ? {} : { empty_layer: true }),
  };
  const author = opts.author || base.config.author;
  const config: ImageConfig = {
    created,
    ...(author ? { author } : {}),
    architecture: base.config.architecture,
    os: base.config.os,
    ...(base.config.variant ? { variant: base.config.variant } : {}),
    config: runtimeConfig,
    rootfs: { type: 'layers', diff_ids: [...base.config.rootfs.diff_ids, ...(layer ? [layer.digest] : [])] },
    history: [...(base.config.history ?? []), history],
    container: c.id,
    ...(opts.comment ? { comment: opts.comment } : {}),
  };
  try {
    const record = await deps.images.create({
      config,
      layers: [...base.manifest.layers, ...(layer ? [layer] : [])],
      parent: c.imageId,
      ...(opts.reference ? { tags: [opts.reference] } : {}),
    });
    trace.step('image');
    trace.end();
    deps.containers.events.emit('event', { type: 'container', action: 'commit', id: c.id, imageId: record.id, comment: opts.comment ?? '', imageRef: opts.reference ? familiarString(normalizeReference(opts.reference)) : '' });
    return record.id;
  } catch (err) {
    if (packed) await discardLayer(deps, packed);
    throw err;
  }
}

/**
 * Pauses a running container (when asked) while its upper dir is written as
 * a layer (layer-writer.ts, shared with the Dockerfile builder).
 */
async function packLayer(deps: CommitDeps, c: ContainerRecord, pause: boolean, baseDiffIds: readonly Digest[]): Promise<WrittenLayer | undefined> {
  const paused = pause && c.state.status === 'running';
  if (paused) await deps.signals.pause(c.id);
  try {
    return await writeLayer(deps, await deps.snapshotter.upperDir(c.snapshotKey), baseDiffIds, { container: true });
  } finally {
    // Docker ignores an unpause failure too: the image is made either way, and the error would hide it.
    if (paused) await deps.signals.unpause(c.id).catch(() => undefined);
  }
}

function list(v: string[] | string | null | undefined): string[] | null | undefined {
  return typeof v === 'string' ? [v] : v;
}

/** The image-config part of a container config (what Docker's commit keeps). */
export function imageFields(c: ContainerConfigWire): ContainerConfigFields {
  const out: ContainerConfigFields = {};
  if (c.User) out.User = c.User;
  if (c.ExposedPorts && Object.keys(c.ExposedPorts).length > 0) out.ExposedPorts = c.ExposedPorts;
  if (c.Env && c.Env.length > 0) out.Env = [...c.Env];
  const entrypoint = list(c.Entrypoint);
  const cmd = list(c.Cmd);
  if (entrypoint !== undefined) out.Entrypoint = entrypoint;
  if (cmd !== undefined) out.Cmd = cmd;
  if (c.Volumes && Object.keys(c.Volumes).length > 0) out.Volumes = c.Volumes;
  if (c.WorkingDir) out.WorkingDir = c.WorkingDir;
  if (c.Labels && Object.keys(c.Labels).length > 0) out.Labels = c.Labels;
  if (c.StopSignal) out.StopSignal = c.StopSignal;
  if (c.Healthcheck) out.Healthcheck = c.Healthcheck;
  if (c.OnBuild && c.OnBuild.length > 0) out.OnBuild = c.OnBuild;
  if (c.Shell && c.Shell.length > 0) out.Shell = c.Shell;
  return out;
}

/** moby's commit merge: fields the new config leaves empty come from the container's config. */
export function mergeWithContainer(user: ContainerConfigFields, container: ContainerConfigFields): ContainerConfigFields {
  const out: ContainerConfigFields = { ...user };
  if (!out.User && container.User) out.User = container.User;
  if (container.ExposedPorts) out.ExposedPorts = { ...container.ExposedPorts, ...(out.ExposedPorts ?? {}) };
  if (!out.Env || out.Env.length === 0) {
    if (container.Env) out.Env = [...container.Env];
  } else {
    const keys = new Set(out.Env.map((e) => e.split('=')[0]));
    out.Env = [...out.Env, ...(container.Env ?? []).filter((e) => !keys.has(e.split('=')[0]))];
  }
  if (container.Labels) out.Labels = { ...container.Labels, ...(out.Labels ?? {}) };
  if (!out.Entrypoint || out.Entrypoint.length === 0) {
    if (!out.Cmd || out.Cmd.length === 0) out.Cmd = container.Cmd ?? null;
    if (out.Entrypoint === undefined || out.Entrypoint === null) out.Entrypoint = container.Entrypoint ?? null;
  }
  if (container.Healthcheck) {
    out.Healthcheck = out.Healthcheck ? { ...container.Healthcheck, ...nonZero(out.Healthcheck) } : container.Healthcheck;
  }
  if (!out.WorkingDir && container.WorkingDir) out.WorkingDir = container.WorkingDir;
  if (container.Volumes) out.Volumes = { ...(out.Volumes ?? {}), ...container.Volumes };
  if (!out.StopSignal && container.StopSignal) out.StopSignal = container.StopSignal;
  for (const k of Object.keys(out) as Array<keyof ContainerConfigFields>) if (out[k] === undefined) delete out[k];
  return out;
}

function nonZero<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0 && v !== undefined && !(Array.isArray(v) && v.length === 0))) as Partial<T>;
}

/** Docker's created_by for a commit: the container's Cmd joined by spaces. */
function commandLine(cmd: string[] | string | null | undefined): string {
  return (list(cmd) ?? []).join(' ');
}
