/**
 * Container lifecycle: create, start, the exit path, remove, rename, wait.
 * Signals (stop, kill, pause) live in container-signals.ts; exec in
 * exec-service.ts. Every verb runs under the container's own lock, checks
 * its guard in container.ts, and saves the record before it returns.
 *
 * Mounts (volumes, binds, tmpfs) are the ContainerMounts collaborator's
 * (src/volumes/container-mounts.ts): resolved at create, prepared at start,
 * released on exit, dropped (and anonymous volumes removed with -v) at rm.
 *
 * start: mount rootfs → write /etc files → mounts → OCI spec → monitor runs
 * `runc run --detach` (holding output while attach clients are waiting) →
 * hand waiting attach clients their streams → save running state → watch
 * the monitor for the exit.
 *
 * exit (#onExit, once per run): OOM count → runc delete, unmount, mounts and
 * network released → restart policy decides (restart/restart-manager.ts):
 * 'exited', or 'restarting' with a timer that starts it again → saved →
 * events oom (if the kernel OOM-killed in it), die.
 */
import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { AlreadyExistsError, BerthError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { ImageService } from '../images/image-service.js';
import { KeyedMutex } from '../storage/mutex.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { removeDirEventually } from '../storage/remove-dir.js';
import { startTrace } from '../storage/trace.js';
import type { Snapshotter } from '../snapshots/types.js';
import { taskPaths, type RuncRuntime, type TaskPaths } from '../runtime/runc-runtime.js';
import { watchExit, readExitFile, type ExitStatus } from '../runtime/monitor/monitor-client.js';
import { buildContainerSpec, specToJson } from '../runtime/spec/spec-builder.js';
import { validateResources } from '../runtime/spec/validate.js';
import { resolveUser } from '../runtime/user.js';
import { generateName, newContainerId } from '../units/ids.js';
import type { CreateContainerBody } from '../api/types/container-wire.js';
import { guards, initialState, isRunning, ZERO_TIME, type ContainerId, type ContainerRecord } from './container.js';
import type { ContainerStore } from './container-store.js';
import { resolveCreate, validateName } from './create-request.js';
import { nowRfc3339Nano } from './clock.js';
import { RootfsManager } from './rootfs.js';
import { resourcesOf, specInputFor } from './spec-input.js';
import type { AttachBroker } from './attach-broker.js';
import type { CgroupReader } from './cgroup-reader.js';
import type { ContainerMounts } from '../volumes/container-mounts.js';
import type { ContainerNetworks, EndpointConfigWire } from '../network/container-network.js';
import { containerNet } from './container-net.js';
import { portWishes } from '../network/port-publisher.js';
import { RestartManager } from './restart/restart-manager.js';
import { policyOf, restartsOnDaemonStart } from './restart/restart-policy.js';

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface ContainerServiceDeps {
  store: ContainerStore;
  images: ImageService;
  snapshotter: Snapshotter;
  runtime: RuncRuntime;
  attach: AttachBroker;
  cgroups: CgroupReader;
  mounts: ContainerMounts;
  networks: ContainerNetworks;
  /** Short per-container runtime dirs live here (unix socket paths are limited to 108 bytes). */
  execRoot: string;
}

export class ContainerService {
  readonly events = new EventEmitter();
  readonly rootfs: RootfsManager;
  readonly locks = new KeyedMutex();
  /** Automatic restarts by policy; stop, kill and rm cancel them (container-signals.ts, remove). */
  readonly restarts = new RestartManager();
  readonly #d: ContainerServiceDeps;

  constructor(deps: ContainerServiceDeps) {
    this.#d = deps;
    this.rootfs = new RootfsManager(deps.snapshotter, (id) => deps.store.dir(id as ContainerId));
    this.events.setMaxListeners(0);
  }

  get store(): ContainerStore {
    return this.#d.store;
  }

  taskPaths(c: ContainerRecord): TaskPaths {
    return taskPaths(path.join(this.#d.execRoot, 'c', c.id.slice(0, 24)));
  }

  logPath(c: ContainerRecord): string {
    return path.join(this.#d.store.dir(c.id), `${c.id}-json.log`);
  }

  cgroupsPath(c: ContainerRecord): string {
    return `/berth/${c.id}`;
  }

  /** Images in use, for `rmi`'s conflict rules. */
  usersOfImage(imageId: string): { id: string; running: boolean }[] {
    return this.#d.store.list().filter((c) => c.imageId === imageId).map((c) => ({ id: c.id, running: isRunning(c.state) }));
  }

  async create(body: CreateContainerBody, requestedName?: string): Promise<{ Id: string; Warnings: string[] }> {
    if (!body || typeof body.Image !== 'string' || body.Image === '') throw new InvalidArgumentError('config.Image is required');
    const { record: image, config: imageConfig } = await this.#d.images.inspect(body.Image);
    const resolved = resolveCreate(body, imageConfig.config ?? {});
    const h = resolved.hostConfig;
    const warnings = validateResources({
      resources: resourcesOf(h),
      capAdd: h.CapAdd ?? [],
      capDrop: h.CapDrop ?? [],
      privileged: !!h.Privileged,
      tmpfs: h.Tmpfs ?? {},
      ...(resolved.config.Hostname ? { hostname: resolved.config.Hostname } : {}),
      ...(h.ShmSize ? { shmSize: h.ShmSize } : {}),
      ...(h.OomScoreAdj ? { oomScoreAdj: h.OomScoreAdj } : {}),
    });
    // Networks checked before anything is made: an unknown one fails the create (Docker: 404 at create).
    const networks = this.#d.networks.wishes(h.NetworkMode ?? 'bridge', body.NetworkingConfig?.EndpointsConfig ?? undefined);
    portWishes(h.PortBindings ?? undefined, resolved.config.ExposedPorts, !!h.PublishAllPorts); // an invalid port spec fails the create, as Docker's

    const id = newContainerId();
    // As Docker's newContainer: the host's name with host networking, else the short ID.
    if (!resolved.config.Hostname) resolved.config.Hostname = h.NetworkMode === 'host' ? hostname() : id.slice(0, 12);
    const name = requestedName ? validateName(requestedName) : this.#uniqueName();
    this.#d.store.reserveName(name, id);
    const rec: ContainerRecord = {
      id,
      name,
      created: nowRfc3339Nano(),
      image: body.Image,
      imageId: image.id,
      path: resolved.path,
      args: resolved.args,
      config: { ...resolved.config, Image: body.Image },
      hostConfig: resolved.hostConfig,
      state: initialState(),
      snapshotKey: `container-${id}`,
      restartCount: 0,
      hasBeenManuallyStopped: false,
      networks,
    };
    try {
      rec.mounts = await this.#d.mounts.create(id, {
        binds: h.Binds,
        mounts: h.Mounts,
        volumesFrom: h.VolumesFrom,
        configVolumes: Object.keys(resolved.config.Volumes ?? {}),
        tmpfs: Object.keys(h.Tmpfs ?? {}),
        ...(h.VolumeDriver ? { volumeDriver: h.VolumeDriver } : {}),
        lookup: (ref) => {
          const other = this.#d.store.get(ref);
          return { id: other.id, mounts: other.mounts ?? [] };
        },
      });
      await this.#d.snapshotter.prepare(rec.snapshotKey, this.#d.images.topChainId(imageConfig));
      await this.#d.store.save(rec);
    } catch (err) {
      this.#d.store.releaseName(name, id);
      await this.#d.snapshotter.remove(rec.snapshotKey).catch(() => undefined);
      if (rec.mounts) await this.#d.mounts.remove(rec, true).catch(() => undefined);
      throw err;
    }
    this.events.emit('event', { type: 'container', action: 'create', id });
    return { Id: id, Warnings: warnings };
  }

  #uniqueName(): string {
    for (;;) {
      const n = generateName();
      if (!this.#d.store.tryGet(n)) return n;
    }
  }

  /** Returns false when the container was already running (HTTP 304). */
  async start(idOrName: string): Promise<boolean> {
    const c = this.#d.store.get(idOrName);
    try {
      return await this.#startLocked(c);
    } catch (err) {
      // Docker removes an AutoRemove container whose start failed; `run --rm` waits for that.
      if (c.hostConfig.AutoRemove) await this.remove(c.id, { force: true, volumes: true }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * `auto`: a restart by policy, which goes ahead only while the container
   * still waits for it. Any other start is the user's (or berthd's at boot):
   * as Docker's, it starts the restart count and back-off afresh.
   */
  async #startLocked(c: ContainerRecord, auto = false): Promise<boolean> {
    return this.locks.run(c.id, async () => {
      if (auto) {
        if (c.state.status !== 'restarting' || this.restarts.cancelled(c.id)) return false;
      } else {
        if (!guards.canStart(c)) return false;
        this.restarts.reset(c.id);
        c.restartCount = 0;
        c.hasBeenManuallyStopped = false;
      }
      const paths = this.taskPaths(c);
      const trace = startTrace(`start ${c.id.slice(0, 12)}`);
      try {
        const [rootfs, net] = await Promise.all([this.rootfs.mount(c), this.#d.networks.setUp(containerNet(c))]);
        if (net.attachment) c.netAttachment = net.attachment;
        trace.step('mount+net');
        const etc = await this.rootfs.writeEtcFiles(c, { host: c.hostConfig.NetworkMode === 'host', ...this.#d.networks.etc(containerNet(c)) });
        if (c.config.WorkingDir) await this.rootfs.ensureWorkingDir(rootfs, c.config.WorkingDir);
        trace.step('mount+etc');
        const user = await resolveUser(rootfs, c.config.User ?? '');
        const mounted = await this.#d.mounts.start(c, rootfs);
        trace.step('mounts');
        // A user mount at /etc/hosts (or the other two) replaces the container's own file, as in Docker.
        const userDests = new Set([...mounted.binds.map((b) => b.destination), ...Object.keys(mounted.tmpfs)]);
        const binds = [...etc.filter((b) => !userDests.has(b.destination)), ...mounted.binds];
        const spec = buildContainerSpec(specInputFor(c, { rootfs, user, binds, tmpfs: mounted.tmpfs, cgroupsPath: this.cgroupsPath(c), network: net.spec }));
        const [rows, cols] = c.hostConfig.ConsoleSize ?? [0, 0];
        if (c.config.Tty && rows > 0 && cols > 0) spec.process.consoleSize = { height: rows, width: cols };
        const bundle = path.join(this.#d.store.dir(c.id), 'bundle');
        await fs.mkdir(bundle, { recursive: true });
        // Rewritten on every start, so it need not be durable: no fsync on the hot path.
        await writeFileAtomic(path.join(bundle, 'config.json'), specToJson(spec), { durable: false });
        trace.step('spec');
        // Taken before the task can run, so a command that exits at once never finishes before it started.
        const startedAt = nowRfc3339Nano();
        const launched = await this.#d.runtime.run(c.id, bundle, paths, {
          tty: !!c.config.Tty,
          stdin: !!c.config.OpenStdin,
          stdinOnce: !!c.config.StdinOnce,
          logPath: this.logPath(c),
          waitAttach: this.#d.attach.hasWaiting(c.id),
        });
        trace.step('runc-run');
        c.state = { ...c.state, status: 'running', pid: launched.pid, monitorPid: launched.monitorPid, exitCode: 0, error: '', oomKilled: false, startedAt };
        await this.#d.attach.connectWaiting(c, paths.attachSocket);
        trace.step('attach');
        await this.#d.store.save(c);
        trace.step('save');
        trace.end();
      } catch (err) {
        await this.#d.runtime.delete(c.id, true).catch(() => undefined);
        await this.#d.mounts.stop(c).catch(() => undefined);
        await this.#d.networks.tearDown(containerNet(c)).catch(() => undefined);
        delete c.netAttachment;
        await this.rootfs.unmount(c).catch(() => undefined);
        this.#d.attach.failWaiting(c.id, err);
        const message = err instanceof Error ? err.message : String(err);
        c.state = { ...c.state, status: c.state.startedAt === initialState().startedAt ? 'created' : 'exited', pid: 0, monitorPid: 0, error: message, exitCode: exitCodeForStartError(message) };
        await this.#d.store.save(c);
        throw translateStartError(err);
      }
      this.events.emit('event', { type: 'container', action: 'start', id: c.id });
      this.#watch(c, paths);
      return true;
    });
  }

  /** Follows the monitor until the task exits, then runs the exit path once. */
  #watch(c: ContainerRecord, paths: TaskPaths): void {
    const startedAt = c.state.startedAt;
    watchExit(paths.attachSocket, paths.exitFile).then(
      (status) => this.#onExit(c.id, startedAt, status),
      (err) => this.#onExit(c.id, startedAt, { exitCode: 255, signal: 0, finishedAt: nowRfc3339Nano() }, String(err)),
    );
  }

  /**
   * The exit path, once per run. `restartable: false` when the exit was not
   * seen but inferred (the monitor is gone: a host reboot), where the rule of
   * berthd's start applies instead of the policy's (recover()).
   */
  async #onExit(id: ContainerId, startedAt: string, status: ExitStatus, error = '', restartable = true): Promise<void> {
    const c = this.#d.store.tryGet(id);
    if (!c) return;
    const after = await this.locks.run(id, async () => {
      if (c.state.status === 'restarting' || !isRunning(c.state) || c.state.startedAt !== startedAt) return undefined;
      const trace = startTrace(`exit ${id.slice(0, 12)}`);
      const oomKilled = (await this.#d.cgroups.oomKillCount(this.cgroupsPath(c)).catch(() => 0)) > 0;
      trace.step('oom');
      await Promise.all([
        this.#d.runtime.delete(id, true).catch(() => undefined),
        this.rootfs.unmount(c).catch(() => undefined),
        this.#d.mounts.stop(c).catch(() => undefined),
        this.#d.networks.tearDown(containerNet(c)).catch(() => undefined),
      ]);
      delete c.netAttachment;
      trace.step('delete+unmount');
      const delay = restartable ? this.restarts.decide(c, { exitCode: status.exitCode, startedAt, finishedAt: status.finishedAt }) : undefined;
      const ended = { ...c.state, pid: 0, monitorPid: 0, exitCode: status.exitCode, finishedAt: status.finishedAt, oomKilled, error };
      if (delay === undefined) {
        c.state = { ...ended, status: 'exited' };
      } else {
        // As Docker: counted when decided, and shown as "Restarting (code) … ago" while it waits.
        c.restartCount++;
        c.state = { ...ended, status: 'restarting' };
      }
      await this.#d.store.save(c);
      trace.step('save');
      trace.end();
      // moby emits oom when the kernel reports it, which is before the task's exit.
      if (oomKilled) this.events.emit('event', { type: 'container', action: 'oom', id });
      this.events.emit('event', { type: 'container', action: 'die', id, exitCode: status.exitCode });
      this.events.emit(`exit:${id}`, c.state.exitCode);
      return { delay, autoRemove: delay === undefined && !!c.hostConfig.AutoRemove };
    });
    if (after?.delay !== undefined) this.restarts.schedule(id, after.delay, () => this.#startLocked(c, true).then(() => undefined));
    // As Docker's autoremove: the container's anonymous volumes go with it.
    if (after?.autoRemove) await this.remove(id, { force: true, volumes: true }).catch(() => undefined);
  }

  /**
   * stop, kill or rm of a container waiting to be restarted: it stays down
   * ('exited', with the code it died with). Returns whether it was waiting;
   * the caller has cancelled the restart first, so none can start meanwhile.
   */
  async settleRestarting(id: ContainerId): Promise<boolean> {
    return this.locks.run(id, async () => {
      const c = this.#d.store.tryGet(id);
      if (!c || c.state.status !== 'restarting') return false;
      c.state = { ...c.state, status: 'exited' };
      await this.#d.store.save(c);
      this.events.emit(`exit:${id}`, c.state.exitCode);
      return true;
    });
  }

  /** berthd stops: pending restarts are dropped (the containers stay 'restarting' and go ahead at the next start). */
  close(): void {
    this.restarts.close();
  }

  /**
   * berthd's start: re-attaches to tasks that kept running (live-restore),
   * runs the exit path for those that ended meanwhile, and starts again what
   * the restart policies say comes back with the daemon: `always`, and
   * `unless-stopped` unless the user stopped it, and restarts that were
   * waiting when berthd stopped. Those starts run in the background, one at a
   * time, so the API answers at once.
   */
  async recover(): Promise<void> {
    // A restart that was waiting is taken up below; until then the container is down.
    const waiting = new Set<ContainerId>();
    for (const c of this.#d.store.list()) {
      if (c.state.status !== 'restarting') continue;
      waiting.add(c.id);
      c.state = { ...c.state, status: 'exited' };
      await this.#d.store.save(c);
    }
    // Volume references and activations first: the exits found below release them.
    await this.#d.mounts.restore(this.#d.store.list().map((c) => ({ id: c.id, mounts: c.mounts ?? [], running: isRunning(c.state) })));
    // Addresses, names and host ports of containers that kept running: taken back before any new start.
    for (const c of this.#d.store.list()) {
      if (isRunning(c.state)) await this.#d.networks.restore(containerNet(c)).catch(() => undefined);
    }
    for (const c of this.#d.store.list()) {
      if (c.state.status === 'removing') {
        await this.remove(c.id, { force: true }).catch(() => undefined);
        continue;
      }
      if (!isRunning(c.state)) continue;
      const paths = this.taskPaths(c);
      const exited = await readExitFile(paths.exitFile);
      if (exited) {
        // It ended while berthd was down: its policy decides, as for any exit.
        await this.#onExit(c.id, c.state.startedAt, exited);
      } else if (c.state.monitorPid > 0 && processAlive(c.state.monitorPid)) {
        this.#watch(c, paths);
      } else {
        // No exit was seen (a host reboot, a killed monitor): the rule of berthd's start applies.
        await this.#onExit(c.id, c.state.startedAt, { exitCode: 255, signal: 0, finishedAt: nowRfc3339Nano() }, 'container monitor lost', false);
      }
    }
    const comeBack = this.#d.store
      .list()
      .filter((c) => c.state.status === 'exited' && (waiting.has(c.id) || (c.state.startedAt !== ZERO_TIME && restartsOnDaemonStart(policyOf(c.hostConfig.RestartPolicy), c.hasBeenManuallyStopped))))
      .map((c) => c.id);
    void this.#startInTurn(comeBack);
  }

  async #startInTurn(ids: readonly ContainerId[]): Promise<void> {
    for (const id of ids) {
      const c = this.#d.store.tryGet(id);
      // Not if the user got there first (started, removed) or the daemon is stopping.
      if (!c || c.state.status !== 'exited' || this.restarts.closed) continue;
      await this.#startLocked(c).catch(() => undefined); // a failed start is recorded in the container's State.Error
    }
  }

  /** Inspect's NetworkSettings. */
  networkSettings(c: ContainerRecord): Record<string, unknown> {
    return this.#d.networks.settingsJson(containerNet(c));
  }

  /** `network connect`: live on a running container, remembered on a stopped one. */
  async connectNetwork(idOrName: string, network: string, cfg: EndpointConfigWire): Promise<void> {
    const c = this.#d.store.get(idOrName);
    await this.locks.run(c.id, async () => {
      await this.#d.networks.connect(containerNet(c), isRunning(c.state), network, cfg);
      await this.#d.store.save(c);
    });
  }

  async disconnectNetwork(idOrName: string, network: string): Promise<void> {
    const c = this.#d.store.get(idOrName);
    await this.locks.run(c.id, async () => {
      await this.#d.networks.disconnect(containerNet(c), network);
      await this.#d.store.save(c);
    });
  }

  async wait(idOrName: string, condition: WaitCondition = 'not-running'): Promise<number> {
    const c = this.#d.store.get(idOrName);
    if (condition === 'not-running' && !isRunning(c.state)) return c.state.exitCode;
    return new Promise((resolve) => {
      const event = condition === 'removed' ? `removed:${c.id}` : `exit:${c.id}`;
      this.events.once(event, (code: number) => resolve(code));
    });
  }

  async remove(idOrName: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const c = this.#d.store.get(idOrName);
    guards.checkRemove(c, !!opts.force);
    // As Docker's rm -f (a kill): no restart follows, and one that was waiting is dropped.
    this.restarts.cancel(c.id);
    await this.settleRestarting(c.id);
    if (isRunning(c.state)) {
      const exited = this.wait(c.id, 'next-exit');
      await this.#d.runtime.kill(c.id, 9, true).catch(() => undefined);
      this.events.emit('event', { type: 'container', action: 'kill', id: c.id, signal: 9 }); // rm -f: moby's Kill logs it
      if (c.state.status === 'paused') await this.#d.runtime.resume(c.id).catch(() => undefined);
      await exited;
    }
    await this.locks.run(c.id, async () => {
      const trace = startTrace(`remove ${c.id.slice(0, 12)}`);
      const wasRemoving = c.state.status === 'removing';
      c.state.status = 'removing';
      await this.#d.store.save(c);
      trace.step('save');
      // The exit path already deleted the runc state; only a crash mid-removal leaves it.
      if (wasRemoving) await this.#d.runtime.delete(c.id, true).catch(() => undefined);
      await this.rootfs.unmount(c);
      trace.step('unmount');
      try {
        await this.#d.snapshotter.remove(c.snapshotKey);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
      trace.step('snapshot');
      await this.#d.store.delete(c);
      await removeDirEventually(this.taskPaths(c).dir);
      trace.step('record');
      // The container is gone already: a volume that cannot go now stays dangling (prune takes it).
      await this.#d.mounts.remove(c, !!opts.volumes).catch(() => undefined);
      trace.step('volumes');
      trace.end();
    });
    this.restarts.forget(c.id);
    this.events.emit('event', { type: 'container', action: 'destroy', id: c.id });
    this.events.emit(`removed:${c.id}`, c.state.exitCode);
  }

  async rename(idOrName: string, newName: string): Promise<void> {
    const oldRef = idOrName.trim();
    const wanted = newName.trim();
    if (oldRef.replace(/^\//, '') === '' || wanted.replace(/^\//, '') === '') {
      throw new InvalidArgumentError('Neither old nor new names may be empty');
    }
    const c = this.#d.store.get(oldRef);
    const slashed = wanted.startsWith('/') ? wanted : `/${wanted}`;
    if (slashed === `/${c.name}`) throw new InvalidArgumentError('Renaming a container with the same name as its current name');
    await this.locks.run(c.id, async () => {
      // Docker wraps a bad or taken name: "Error when allocating new name: …".
      const prefix = 'Error when allocating new name: ';
      let name: string;
      try {
        name = validateName(slashed);
        this.#d.store.reserveName(name, c.id);
      } catch (err) {
        if (err instanceof AlreadyExistsError) throw new AlreadyExistsError(prefix + err.message, { cause: err });
        if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(prefix + err.message, { cause: err });
        throw err;
      }
      const old = c.name;
      c.name = name;
      try {
        await this.#d.store.save(c);
      } catch (err) {
        c.name = old;
        this.#d.store.releaseName(name, c.id);
        throw err;
      }
      this.#d.store.releaseName(old, c.id);
    });
    this.events.emit('event', { type: 'container', action: 'rename', id: c.id });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}


/** Docker records 127 for a missing executable, 126 for one that cannot run. */
export function exitCodeForStartError(message: string): number {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied|exec format error/i.test(message)) return 126;
  return 128;
}

function translateStartError(err: unknown): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (exitCodeForStartError(message) !== 128) {
    return new InvalidArgumentError(`failed to create task for container: OCI runtime create failed: ${message}: unknown`, { cause: err });
  }
  // Anything else at start time (an unknown user, a bad mount) is the daemon's failure, as in Docker.
  if (err instanceof NotFoundError) return new BerthError(message, { cause: err });
  return err;
}
