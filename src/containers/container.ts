/**
 * The container record and its lifecycle.
 *
 *            create            start                 pause
 *   (none) ─────────▶ created ───────▶ running ◀──────────▶ paused
 *                       │                 │      unpause       │
 *                       │                 │ exit / stop / kill │ stop / kill
 *                       │                 ▼                    │
 *                       │              exited ◀────────────────┘
 *                       │                 │ start → running
 *                       └──── rm ────▶ removing ──▶ (gone)      (dead: removal failed)
 *
 * With a restart policy (restart/), an exit may lead to 'restarting' instead:
 *
 *   running ──exit──▶ restarting ──back-off timer──▶ running
 *                          │ stop / kill / rm
 *                          ▼
 *                       exited
 *
 * Every verb checks a `can<Verb>` guard first and throws ConflictError with
 * Docker's wording, so the rules live here and nowhere else.
 */
import type { Digest } from '../content/digest.js';
import { ConflictError } from '../errors.js';
import type { ContainerConfigWire, HostConfigWire } from '../api/types/container-wire.js';
import type { NetworkAttachment } from '../network/container-network.js';
import type { EndpointWish } from '../network/network-record.js';
import type { MountPoint } from '../volumes/volume.js';
import type { HealthState } from './health/health-state.js';

export type { ContainerId } from '../units/ids.js';
import type { ContainerId } from '../units/ids.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  status: ContainerStatus;
  pid: number;
  monitorPid: number;
  exitCode: number;
  error: string;
  oomKilled: boolean;
  startedAt: string;
  finishedAt: string;
  /** With a healthcheck: its status, streak and last results (containers/health/). */
  health?: HealthState;
}

export interface ContainerRecord {
  id: ContainerId;
  /** Without the leading slash Docker shows in inspect. */
  name: string;
  created: string;
  /** The image as the user named it ("busybox"). */
  image: string;
  imageId: Digest;
  /** Entrypoint + Cmd resolved at create time, as Docker's Path and Args. */
  path: string;
  args: string[];
  config: ContainerConfigWire;
  hostConfig: HostConfigWire;
  state: ContainerState;
  /** Snapshot key of the read-write layer. */
  snapshotKey: string;
  /** Volumes, binds and tmpfs mounts, resolved at create (absent in records older than volumes). */
  mounts?: MountPoint[];
  restartCount: number;
  /** The networks it is to be on, by name, with its aliases and requested address there (create, connect). */
  networks?: Record<string, EndpointWish>;
  /** Its netns, endpoints and published ports while it runs (container-network.ts). */
  netAttachment?: NetworkAttachment;
  /** Set when the user stopped it, so restart policies leave it alone. */
  hasBeenManuallyStopped: boolean;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function initialState(): ContainerState {
  return { status: 'created', pid: 0, monitorPid: 0, exitCode: 0, error: '', oomKilled: false, startedAt: ZERO_TIME, finishedAt: ZERO_TIME };
}

export function isRunning(s: ContainerState): boolean {
  return s.status === 'running' || s.status === 'paused' || s.status === 'restarting';
}

export const guards = {
  /** Returns false when already running (Docker answers 304 Not Modified). */
  canStart(c: ContainerRecord): boolean {
    switch (c.state.status) {
      case 'running':
      case 'restarting': // Docker counts a container waiting to be restarted as running
        return false;
      case 'paused':
        throw new ConflictError('cannot start a paused container, try unpause instead');
      case 'removing':
        throw new ConflictError(`container is marked for removal and cannot be started`);
      case 'dead':
        throw new ConflictError(`container is marked for removal and cannot be started`);
      default:
        return true;
    }
  },
  /** Returns false when not running (Docker answers 304 Not Modified). */
  canStop(c: ContainerRecord): boolean {
    return isRunning(c.state);
  },
  checkKill(c: ContainerRecord): void {
    if (!isRunning(c.state)) throw new ConflictError(`Container ${c.id} is not running`);
  },
  checkPause(c: ContainerRecord): void {
    if (!isRunning(c.state)) throw new ConflictError(`Container ${c.id} is not running`);
    if (c.state.status === 'restarting') throw new ConflictError(`Container ${c.id} is restarting, wait until the container is running`);
    if (c.state.status === 'paused') throw new ConflictError(`Container ${c.id} is already paused`);
  },
  checkUnpause(c: ContainerRecord): void {
    if (c.state.status !== 'paused') throw new ConflictError(`Container ${c.id} is not paused`);
  },
  checkExec(c: ContainerRecord): void {
    if (c.state.status === 'paused') throw new ConflictError(`Container ${c.id} is paused, unpause the container before exec`);
    if (!isRunning(c.state)) throw new ConflictError(`Container ${c.id} is not running`);
    if (c.state.status === 'restarting') throw new ConflictError(`Container ${c.id} is restarting, wait until the container is running`);
  },
  checkRemove(c: ContainerRecord, force: boolean): void {
    if (c.state.status === 'removing') throw new ConflictError(`removal of container ${c.id} is already in progress`);
    if (isRunning(c.state) && !force) {
      const what = c.state.status === 'paused' ? 'paused' : 'running';
      throw new ConflictError(
        `cannot remove container "/${c.name}": container is ${what}: stop the container before removing or force remove`,
      );
    }
  },
  checkCommit(c: ContainerRecord): void {
    if (c.state.status === 'removing' || c.state.status === 'dead') throw new ConflictError(`container ${c.id} is being removed`);
  },
};
