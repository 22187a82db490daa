/** What the route files may use: built once by the composition root (src/daemon/daemon.ts). */
import type { Builder } from '../../build/builder/builder.js';
import type { AttachBroker } from '../../containers/attach-broker.js';
import type { CgroupReader } from '../../containers/cgroup-reader.js';
import type { ContainerRecord } from '../../containers/container.js';
import type { ContainerService } from '../../containers/container-service.js';
import type { ContainerSignals } from '../../containers/container-signals.js';
import type { ContainerUpdater } from '../../containers/update/container-updater.js';
import type { ContainerStats } from '../../containers/stats/index.js';
import type { ExecService } from '../../containers/exec-service.js';
import type { ContentStore } from '../../content/content-store.js';
import type { DistributionService } from '../../distribution/distribution-service.js';
import type { EventBus } from '../../events/event-bus.js';
import type { ImageRecord } from '../../images/image-store.js';
import type { ImageService } from '../../images/image-service.js';
import type { EndpointConfigWire } from '../../network/container-network.js';
import type { Endpoint } from '../../network/network-record.js';
import type { NetworkService } from '../../network/network-service.js';
import type { Snapshotter } from '../../snapshots/types.js';
import type { VolumeService } from '../../volumes/volume-service.js';

/** Containers on networks, for the network routes (the container service does the work, under its locks). */
export interface Networking {
  /** Running containers with an endpoint on the network. */
  containersOn(networkId: string): Array<{ id: string; name: string; endpoint: Endpoint }>;
  connect(container: string, network: string, cfg: EndpointConfigWire): Promise<void>;
  disconnect(container: string, network: string, force: boolean): Promise<void>;
}

export interface Services {
  version: string;
  daemonId: string;
  dataRoot: string;
  runcPath: string;
  cgroupVersion: '1' | '2';
  containers: ContainerService;
  signals: ContainerSignals;
  /** `docker update`: restart policy and resource limits, live on a running container. */
  updates: ContainerUpdater;
  exec: ExecService;
  attach: AttachBroker;
  images: ImageService;
  snapshotter: Snapshotter;
  content: ContentStore;
  cgroups: CgroupReader;
  /** `docker stats`: sampler and per-second collector. */
  stats: ContainerStats;
  processTable(pids: number[], psArgs: string): Promise<{ Titles: string[]; Processes: string[][] }>;
  /** SizeRw (the container's own layer) and SizeRootFs (with the image). */
  sizes(c: ContainerRecord): Promise<{ sizeRw?: number; sizeRootFs?: number }>;
  bootstrapBusybox(tag: string): Promise<ImageRecord>;
  builder: Builder;
  volumes: VolumeService;
  networks: NetworkService;
  networking: Networking;
  /** Pull, push and login against registries. */
  distribution: DistributionService;
  /** Every event of the engine, kept and journaled (GET /events). */
  events: EventBus;
}
