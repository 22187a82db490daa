/**
 * The composition root: builds every service in dependency order with
 * explicit constructor calls. Read this file to see what depends on what.
 *
 *   content store ─┐
 *   snapshotter ───┼─▶ layer unpacker ─▶ image service ─┐
 *   image store ───┘                                    ├─▶ container service ─▶ signals, exec
 *   runc runtime + monitor, cgroups, attach broker ─────┤
 *   volume service ─▶ container mounts ─────────────────┘
 *                         all of them ─▶ API routes ─▶ API server (unix socket)
 *   event bus (opened first, journal under <data-root>/events) ◀─ the 'event' emitters of
 *   the container, image, volume and network services (src/events/event-sources.ts)
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiServer } from '../api/server.js';
import { Router } from '../api/router.js';
import { containerRoutes } from '../api/routes/containers.js';
import { containerStreamRoutes } from '../api/routes/container-streams.js';
import { imageRoutes } from '../api/routes/images.js';
import { buildRoutes } from '../api/routes/build.js';
import { BuildCache } from '../build/builder/build-cache.js';
import { Builder } from '../build/builder/builder.js';
import { layerRoutes } from '../api/routes/layers.js';
import { fileRoutes } from '../api/routes/files.js';
import { distributionRoutes } from '../api/routes/distribution.js';
import { systemRoutes } from '../api/routes/system.js';
import { volumeRoutes } from '../api/routes/volumes.js';
import { networkRoutes } from '../api/routes/networks.js';
import { diskUsageRoutes } from '../api/routes/disk-usage.js';
import { statsRoutes } from '../api/routes/stats.js';
import { eventRoutes } from '../api/routes/events.js';
import type { Services } from '../api/routes/services.js';
import { AttachBroker } from '../containers/attach-broker.js';
import { ContainerService } from '../containers/container-service.js';
import { ContainerSignals } from '../containers/container-signals.js';
import { ContainerUpdater } from '../containers/update/container-updater.js';
import { ContainerStore } from '../containers/container-store.js';
import { createContainerStats, type ContainerStats } from '../containers/stats/index.js';
import { ExecService } from '../containers/exec-service.js';
import { HealthMonitor } from '../containers/health/health-monitor.js';
import { LocalContentStore } from '../content/content-store.js';
import { chainIds } from '../content/digest.js';
import { DistributionService } from '../distribution/distribution-service.js';
import { EventBus } from '../events/event-bus.js';
import { connectEventSources } from '../events/event-sources.js';
import { RegistryHosts } from '../distribution/registry-hosts.js';
import { openCgroup, detectCgroupLayout } from '../host/cgroups.js';
import { processTable } from '../host/process-table.js';
import { useCommandRunner } from '../host/exec-tool.js';
import { bootstrapBusybox } from '../images/bootstrap/busybox-image.js';
import { ImageService } from '../images/image-service.js';
import { ImageStore } from '../images/image-store.js';
import { LayerUnpacker } from '../images/layer-unpacker.js';
import { RuncRuntime } from '../runtime/runc-runtime.js';
import { OverlaySnapshotter } from '../snapshots/overlay-snapshotter.js';
import { readJsonIfExists, writeJsonAtomic } from '../storage/atomic-write.js';
import { ContainerMounts } from '../volumes/container-mounts.js';
import { VolumeService } from '../volumes/volume-service.js';
import { ContainerNetworks } from '../network/container-network.js';
import { hostUpstreams } from '../network/dns/upstream-address.js';
import { lazyEmbeddedDns } from '../network/lazy-dns.js';
import { Firewall, PortReserver } from '../network/firewall/index.js';
import type { PoolSpec } from '../network/ipam/index.js';
import { NameTable } from '../network/name-table.js';
import { NetworkService } from '../network/network-service.js';
import { NetworkStore } from '../network/network-store.js';
import { PortPublisher } from '../network/port-publisher.js';
import { isRunning } from '../containers/container.js';
import { DataRootLock } from './data-root-lock.js';
import { sweepStaleSnapshots } from './startup-sweep.js';

export interface DaemonConfig {
  /** Path of the unix socket to serve the API on. */
  socketPath: string;
  dataRoot: string;
  /** Runtime state: monitor sockets and runc's own state (tmpfs in production). */
  execRoot: string;
  runcPath: string;
  version: string;
  log: (msg: string) => void;
  network: NetworkConfig;
  /** `--insecure-registry` values: CIDRs or host[:port] reached over plain HTTP (127.0.0.0/8 always is). */
  insecureRegistries?: string[];
  /** Reach no registry but loopback and --insecure-registry ones (no outside DNS query either). */
  localRegistriesOnly?: boolean;
}

/** berthd's network flags (src/cmd/berthd.ts). */
export interface NetworkConfig {
  /** The default bridge's gateway and subnet. */
  bip: string;
  /** Subnets for user-defined networks; Docker's pools when empty. */
  pools: PoolSpec[];
  /** Upstream DNS servers; the host's resolv.conf when empty. */
  dns: string[];
  /** Host-wide names: bridge <prefix>0, iptables chains <PREFIX>-… */
  prefix: string;
}

export class Daemon {
  #server?: ApiServer;
  #lock?: DataRootLock;
  #networks?: NetworkService;
  #distribution?: DistributionService;
  #stats?: ContainerStats;
  #events?: EventBus;
  #containers?: ContainerService;
  #health?: HealthMonitor;

  constructor(readonly config: DaemonConfig) {}

  async start(): Promise<void> {
    const cfg = this.config;
    this.#lock = await DataRootLock.acquire(cfg.dataRoot);
    try {
      // First: every service's events from here on are kept (and those of earlier runs read back).
      const events = await EventBus.open(path.join(cfg.dataRoot, 'events'), { log: cfg.log });
      this.#events = events;
      const content = new LocalContentStore(path.join(cfg.dataRoot, 'content'));
      await content.init();
      const snapshotter = new OverlaySnapshotter(path.join(cfg.dataRoot, 'snapshots'));
      await snapshotter.init();
      const imageStore = new ImageStore(path.join(cfg.dataRoot, 'image'));
      await imageStore.init();
      const images = new ImageService(content, imageStore, new LayerUnpacker(content, snapshotter), snapshotter);

      const runtime = new RuncRuntime({ runcPath: cfg.runcPath, stateRoot: path.join(cfg.execRoot, 'runc') });
      await runtime.init();
      useCommandRunner(runtime.spawner);
      const layout = detectCgroupLayout();
      const cgroups = {
        oomKillCount: (p: string) => openCgroup(p, layout).oomKillCount().catch(() => 0),
        pids: (p: string) => openCgroup(p, layout).pids().catch(() => []),
      };
      const store = new ContainerStore(cfg.dataRoot);
      await store.init();
      const swept = await sweepStaleSnapshots(snapshotter, new Set(store.list().map((c) => c.snapshotKey)));
      if (swept.length) cfg.log(`removed ${swept.length} snapshots left by an interrupted operation`);
      const attach = new AttachBroker();
      const volumes = new VolumeService(path.join(cfg.dataRoot, 'volumes'));
      await volumes.init();
      const mounts = new ContainerMounts(volumes);

      const netStore = new NetworkStore(cfg.dataRoot);
      const firewall = new Firewall({ prefix: cfg.network.prefix.toUpperCase() });
      const names = new NameTable((id) => netStore.tryGet(id));
      const dns = lazyEmbeddedDns({ source: names, upstreams: () => (cfg.network.dns.length ? cfg.network.dns : hostResolvers()), onError: (err) => cfg.log(`dns: ${(err as Error)?.message ?? String(err)}`) });
      const networks = new NetworkService(netStore, firewall, dns, { bridgeName: `${cfg.network.prefix}0`, bip: cfg.network.bip, ...(cfg.network.pools.length ? { pools: cfg.network.pools } : {}) });
      await networks.init();
      this.#networks = networks;
      const containerNetworks = new ContainerNetworks(networks, new PortPublisher(firewall, new PortReserver()), names, path.join(cfg.execRoot, 'netns'), (ref) => {
        const other = store.get(ref);
        return { id: other.id, running: isRunning(other.state), pid: other.state.pid, ...(other.netAttachment ? { attachment: other.netAttachment } : {}) };
      });

      const containers = new ContainerService({ store, images, snapshotter, runtime, attach, cgroups, mounts, networks: containerNetworks, execRoot: cfg.execRoot });
      this.#containers = containers;
      images.setImageUsers((id) => containers.usersOfImage(id));
      connectEventSources(events, { containers, volumes, images, networks }, cfg.log);
      const signals = new ContainerSignals(containers, runtime);
      const exec = new ExecService(containers, runtime, cfg.execRoot);
      await exec.init();
      // Listening before recover(): the containers it starts again by policy are checked from their first start.
      const health = new HealthMonitor(containers, { log: cfg.log });
      this.#health = health;
      await containers.recover();
      health.resumeRunning();
      const buildCache = new BuildCache(imageStore, path.join(cfg.dataRoot, 'build-cache'));
      await buildCache.init();
      const builder = new Builder({ containers, attach, snapshotter, content, images, cache: buildCache, workRoot: path.join(cfg.dataRoot, 'build') });
      await builder.init();
      const distribution = new DistributionService({ images, content, snapshotter, hosts: new RegistryHosts(cfg.insecureRegistries ?? [], cfg.localRegistriesOnly === true), version: cfg.version, sourcesFile: path.join(cfg.dataRoot, 'blob-sources.json') });
      await distribution.init();
      this.#distribution = distribution;

      const stats = createContainerStats({ layout, cgroupsPath: (c) => containers.cgroupsPath(c), lookup: (ref) => store.tryGet(ref), log: cfg.log });
      this.#stats = stats;
      // A removed container's stats streams end (moby's StopCollection in delete.go).
      containers.events.on('event', (e: { action?: string; id?: string }) => {
        if (e.action === 'destroy' && e.id) stats.collector.stopCollection(e.id);
      });
      const services: Services = {
        version: cfg.version,
        daemonId: await daemonId(cfg.dataRoot),
        dataRoot: cfg.dataRoot,
        runcPath: cfg.runcPath,
        cgroupVersion: layout.version === 2 ? '2' : '1',
        containers,
        signals,
        updates: new ContainerUpdater(containers, runtime),
        exec,
        attach,
        images,
        snapshotter,
        content,
        cgroups,
        stats,
        processTable,
        sizes: async (c) => {
          const rw = await snapshotter.usage(c.snapshotKey).catch(() => ({ size: 0 }));
          let image = 0;
          try {
            const { config } = await images.load(images.store.get(c.imageId));
            for (const id of chainIds(config.rootfs.diff_ids)) image += (await snapshotter.usage(id)).size;
          } catch {
            // image removed with --force: only the container's own layer counts
          }
          return { sizeRw: rw.size, sizeRootFs: rw.size + image };
        },
        bootstrapBusybox: (tag) => bootstrapBusybox(images, content, { tag }),
        builder,
        volumes,
        networks,
        distribution,
        events,
        networking: {
          containersOn: (networkId) =>
            containerNetworks.usersOf(networkId).flatMap((id) => {
              const c = store.tryGet(id);
              const ep = c && Object.values(c.netAttachment?.endpoints ?? {}).find((e) => e.networkId === networkId);
              return c && ep ? [{ id: c.id, name: c.name, endpoint: ep }] : [];
            }),
          connect: (container, network, cfg) => containers.connectNetwork(container, network, cfg),
          disconnect: (container, network) => containers.disconnectNetwork(container, network),
        },
      };
      const router = new Router();
      systemRoutes(router, services);
      containerRoutes(router, services);
      containerStreamRoutes(router, services);
      imageRoutes(router, services);
      layerRoutes(router, services);
      buildRoutes(router, services);
      fileRoutes(router, services);
      distributionRoutes(router, services);
      volumeRoutes(router, services);
      networkRoutes(router, services);
      diskUsageRoutes(router, services);
      statsRoutes(router, services);
      eventRoutes(router, services);
      this.#server = new ApiServer(router, cfg.log);
      await this.#server.listen(cfg.socketPath);
    } catch (err) {
      await this.#events?.close();
      await this.#lock.release();
      throw err;
    }
  }

  /** Stops serving; containers keep running under their monitors (live-restore). */
  async stop(): Promise<void> {
    this.#containers?.close(); // no restart by policy may start once the daemon is going
    this.#health?.close();
    await this.#server?.close();
    await this.#networks?.close();
    await this.#distribution?.close();
    this.#stats?.collector.close();
    await this.#events?.close();
    await this.#lock?.release();
  }
}

async function daemonId(dataRoot: string): Promise<string> {
  const file = path.join(dataRoot, 'engine-id');
  const existing = await readJsonIfExists<{ id: string }>(file);
  if (existing) return existing.id;
  const id = randomBytes(16).toString('hex');
  await writeJsonAtomic(file, { id });
  return id;
}

/** The host's resolvers, read at each forward (resolv.conf may change under a running daemon). */
function hostResolvers(): string[] {
  try {
    return hostUpstreams(readFileSync('/etc/resolv.conf', 'utf8'));
  } catch {
    return [];
  }
}

