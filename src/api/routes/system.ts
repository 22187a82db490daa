/** Engine API system routes: ping (version negotiation), version, info. GET /events is events.ts. */
import * as os from 'node:os';
import { isRunning } from '../../containers/container.js';
import { API_VERSION, MIN_API_VERSION, type Router } from '../router.js';
import type { Services } from './services.js';

export function systemRoutes(r: Router, s: Services): void {
  r.add('GET', '/_ping', async (ctx) => {
    ctx.res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'API-Version': API_VERSION,
      'Builder-Version': '1',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
    });
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
  });

  r.add('GET', '/version', async (ctx) => {
    ctx.json(200, {
      Platform: { Name: 'Berth Engine' },
      Components: [{ Name: 'Engine', Version: s.version, Details: { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, GitCommit: 'berth', GoVersion: `node${process.versions.node}`, Os: 'linux', Arch: 'amd64', KernelVersion: os.release(), Experimental: 'false', BuildTime: '' } }],
      Version: s.version,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: 'berth',
      GoVersion: `node${process.versions.node}`,
      Os: 'linux',
      Arch: 'amd64',
      KernelVersion: os.release(),
      BuildTime: '',
    });
  });

  r.add('GET', '/info', async (ctx) => {
    const cs = s.containers.store.list();
    ctx.json(200, {
      ID: s.daemonId,
      Containers: cs.length,
      ContainersRunning: cs.filter((c) => c.state.status === 'running').length,
      ContainersPaused: cs.filter((c) => c.state.status === 'paused').length,
      ContainersStopped: cs.filter((c) => !isRunning(c.state)).length,
      Images: s.images.store.list().length,
      Driver: 'overlay2',
      DriverStatus: [['Backing Filesystem', 'extfs']],
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Log: ['json-file'] },
      MemoryLimit: true,
      SwapLimit: true,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      PidsLimit: true,
      OomKillDisable: true,
      IPv4Forwarding: true,
      Debug: false,
      NFd: 0,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: s.cgroupVersion,
      KernelVersion: os.release(),
      OperatingSystem: 'Linux',
      OSType: 'linux',
      Architecture: os.machine?.() ?? 'x86_64',
      NCPU: os.cpus().length,
      MemTotal: os.totalmem(),
      DockerRootDir: s.dataRoot,
      Name: os.hostname(),
      Labels: [],
      ServerVersion: s.version,
      Runtimes: { runc: { path: s.runcPath } },
      DefaultRuntime: 'runc',
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: 'docker-init',
      SecurityOptions: ['name=cgroupns'],
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      Warnings: [],
    });
  });
}
