/**
 * The `system df` answer the formatter goldens and the command tests share.
 */
import type { DiskUsage } from '../../client/system.js';

const DAY = 86400;

/**
 * GET /system/df as of `now` (ms): busybox and an image built on it (both used
 * by containers) and a dangling one; a running, an exited and a created
 * container; a volume in use, an unused one and one without a size; two
 * build cache records, one in use and never used before.
 */
export function diskUsageFixture(now: number): DiskUsage {
  const at = (secondsAgo: number): number => Math.floor(now / 1000) - secondsAgo;
  const iso = (secondsAgo: number): string => new Date(now - secondsAgo * 1000).toISOString();
  return {
    LayersSize: 4_261_550 + 1_500_000 + 1_000,
    Images: [
      {
        Id: 'sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824',
        ParentId: '',
        RepoTags: ['busybox:latest', 'busybox:1.36'],
        RepoDigests: ['busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7'],
        Created: at(30 * DAY),
        Size: 4_261_550,
        SharedSize: 4_261_550,
        Labels: null,
        Containers: 2,
      },
      {
        Id: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        ParentId: '',
        RepoTags: ['localhost:5000/team/app:v2'],
        RepoDigests: [],
        Created: at(2 * 3600),
        Size: 5_761_550,
        SharedSize: 4_261_550,
        Labels: { tier: 'web' },
        Containers: 1,
      },
      {
        Id: 'sha256:5b0c3b2e1f0d9c8b7a6f5e4d3c2b1a0998877665544332211000ffeeddccbbaa',
        ParentId: '',
        RepoTags: [],
        RepoDigests: [],
        Created: at(400 * DAY),
        Size: 1_000,
        SharedSize: 0,
        Labels: null,
        Containers: 0,
      },
    ],
    Containers: [
      {
        Id: '4c01db0b339c5d7a6f2e0c4b8a1d9e3f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d',
        Names: ['/web'],
        Image: 'localhost:5000/team/app:v2',
        ImageID: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        Command: 'httpd -f -p 8080 -h /www',
        Created: at(3 * 3600),
        Ports: [],
        SizeRw: 12_288,
        SizeRootFs: 5_773_838,
        Labels: {},
        State: 'running',
        Status: 'Up 3 hours',
        Mounts: [{ Type: 'volume', Name: 'webdata', Source: '/var/lib/berth/volumes/webdata/_data', Destination: '/www', Driver: 'local', Mode: 'z', RW: true }],
      },
      {
        Id: '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
        Names: ['/writer'],
        Image: 'busybox',
        ImageID: 'sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824',
        Command: 'sh -c \'dd if=/dev/zero of=/blob bs=1k count=2000\'',
        Created: at(2 * DAY),
        Ports: [],
        SizeRw: 2_048_000,
        SizeRootFs: 6_309_550,
        Labels: {},
        State: 'exited',
        Status: 'Exited (0) 2 days ago',
        Mounts: [],
      },
      {
        Id: '1111111111112222222222223333333333334444444444445555555555556666',
        Names: ['/fresh'],
        Image: 'busybox',
        ImageID: 'sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824',
        Command: 'true',
        Created: at(90),
        Ports: [],
        SizeRw: 0,
        SizeRootFs: 4_261_550,
        Labels: {},
        State: 'created',
        Status: 'Created',
        Mounts: [],
      },
    ],
    Volumes: [
      { Name: 'webdata', Driver: 'local', Mountpoint: '/var/lib/berth/volumes/webdata/_data', Labels: null, Options: null, Scope: 'local', UsageData: { Size: 1_048_576, RefCount: 1 } },
      { Name: '3f1a9c0d2b7e4f6a8c5d1e0b9a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c', Driver: 'local', Mountpoint: '/v/x/_data', Labels: { 'com.docker.volume.anonymous': '' }, Options: null, Scope: 'local', UsageData: { Size: 2_000, RefCount: 0 } },
      { Name: 'remote', Driver: 'local', Mountpoint: '/v/r/_data', Labels: null, Options: null, Scope: 'local', UsageData: { Size: -1, RefCount: 0 } },
    ],
    BuildCache: [
      {
        ID: 'sha256:77cc0bd5c40d8e8a1b2c3',
        Parents: null,
        Type: 'source.local',
        Description: 'local source for context (Dockerfile: Dockerfile)',
        InUse: false,
        Shared: false,
        Size: 52_000,
        CreatedAt: iso(DAY + 0.25),
        LastUsedAt: iso(3600),
        UsageCount: 3,
      },
      {
        ID: 'sha256:0aa1bb2cc3dd4ee5ff6a7',
        Parent: 'sha256:77cc0bd5c40d8e8a1b2c3',
        Type: 'source.local',
        Description: 'local source for context (Dockerfile: web.Dockerfile)',
        InUse: true,
        Shared: false,
        Size: 7_000,
        CreatedAt: iso(120),
        LastUsedAt: null,
        UsageCount: 1,
      },
    ],
  };
}
