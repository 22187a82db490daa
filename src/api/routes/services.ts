/** What the route files may use: built once by the composition root (src/daemon/daemon.ts). */
import type { Builder } from '../../build/builder/builder.js';
import type { AttachBroker } from '../../containers/attach-broker.js';
import type { CgroupReader } from '../../containers/cgroup-reader.js';
import type { ContainerRecord } from '../../containers/container.js';
import type { ContainerService } from '../../containers/container-service.js';
import type { ContainerSignals } from '../../containers/container-signals.js';
import type { ExecService } from '../../containers/exec-service.js';
import type { ContentStore } from '../../content/content-store.js';
import type { ImageRecord } from '../../images/image-store.js';
import type { ImageService } from '../../images/image-service.js';
import type { Snapshotter } from '../../snapshots/types.js';
import type { VolumeService } from '../../volumes/volume-service.js';

export interface Services {
  version: string;
  daemonId: string;
  dataRoot: string;
  runcPath: string;
  cgroupVersion: '1' | '2';
  containers: ContainerService;
  signals: ContainerSignals;
  exec: ExecService;
  attach: AttachBroker;
  images: ImageService;
  snapshotter: Snapshotter;
  content: ContentStore;
  cgroups: CgroupReader;
  processTable(pids: number[], psArgs: string): Promise<{ Titles: string[]; Processes: string[][] }>;
  /** SizeRw (the container's own layer) and SizeRootFs (with the image). */
  sizes(c: ContainerRecord): Promise<{ sizeRw?: number; sizeRootFs?: number }>;
  bootstrapBusybox(tag: string): Promise<ImageRecord>;
  builder: Builder;
  volumes: VolumeService;
}
