/**
 * A container's root filesystem and the per-container /etc files.
 *
 * The rootfs is the overlay mount of the container's snapshot (image layers
 * below, its own read-write layer on top) at <container dir>/rootfs. The
 * mount stays while the container runs, even if berthd exits, and is undone
 * when the container stops. /etc/hostname, /etc/hosts and /etc/resolv.conf
 * are files in the container dir, bind-mounted over the image's, as Docker does.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BerthError, isErrno } from '../errors.js';
import { isMountPoint, mountAll, unmount } from '../host/mount.js';
import type { Snapshotter } from '../snapshots/types.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import type { ContainerRecord } from './container.js';
import { resolveInRoot } from './container-path.js';

export class RootfsManager {
  constructor(
    private readonly snapshotter: Snapshotter,
    private readonly containerDir: (id: string) => string,
  ) {}

  rootfsPath(c: ContainerRecord): string {
    return path.join(this.containerDir(c.id), 'rootfs');
  }

  async mount(c: ContainerRecord): Promise<string> {
    const target = this.rootfsPath(c);
    await fs.mkdir(target, { recursive: true });
    if (!(await isMountPoint(target))) {
      await mountAll(await this.snapshotter.mounts(c.snapshotKey), target);
    }
    return target;
  }

  async unmount(c: ContainerRecord): Promise<void> {
    const target = this.rootfsPath(c);
    try {
      while (await isMountPoint(target)) await unmount(target);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }

  /**
   * Creates the working directory (and its parents) if the image lacks it,
   * root-owned 0755, as Docker's SetupWorkingDirectory does, resolving each
   * step inside the rootfs so a symlink cannot lead out of it.
   */
  async ensureWorkingDir(rootfs: string, workingDir: string): Promise<void> {
    let containerPath = '';
    for (const part of workingDir.split('/').filter((p) => p !== '' && p !== '.')) {
      containerPath = `${containerPath}/${part}`; // resolveInRoot handles "..", stopping at the root
      const host = await resolveInRoot(rootfs, containerPath, true).catch((err: unknown) => {
        if (isErrno(err, 'ENOTDIR')) throw new BerthError(`Cannot mkdir: ${workingDir} is not a directory`, { cause: err });
        throw err;
      });
      const st = await fs.stat(host).catch((err: unknown) => {
        if (isErrno(err, 'ENOENT')) return undefined;
        throw err;
      });
      if (st === undefined) {
        await fs.mkdir(host, { mode: 0o755 });
        await fs.chmod(host, 0o755); // the daemon's umask must not narrow it
      } else if (!st.isDirectory()) {
        throw new BerthError(`Cannot mkdir: ${workingDir} is not a directory`);
      }
    }
  }

  /**
   * Writes hostname, hosts and resolv.conf; returns the bind mounts for the spec.
   * `net`: host networking, the lines naming the container's addresses, and the
   * embedded DNS's address when it is on a user-defined network.
   */
  async writeEtcFiles(c: ContainerRecord, net: { host: boolean; hostsLines?: string[]; nameserver?: string }): Promise<Array<{ source: string; destination: string; readonly: boolean }>> {
    const dir = this.containerDir(c.id);
    // Docker's BuildHostnameFile: the container's hostname (the host's, with host networking), plus its domain.
    const hostname = c.config.Hostname || c.id.slice(0, 12);
    const h = c.hostConfig;
    const files: Record<string, string> = {};
    files.hostname = c.config.Domainname ? `${hostname}.${c.config.Domainname}\n` : `${hostname}\n`;
    const extra = (h.ExtraHosts ?? []).map(extraHostLine);
    if (net.host) {
      files.hosts = (await readOr('/etc/hosts', '127.0.0.1\tlocalhost\n')) + extra.map((l) => `${l}\n`).join('');
    } else {
      files.hosts = [
        '127.0.0.1\tlocalhost',
        '::1\tlocalhost ip6-localhost ip6-loopback',
        'fe00::0\tip6-localnet',
        'ff00::0\tip6-mcastprefix',
        'ff02::1\tip6-allnodes',
        'ff02::2\tip6-allrouters',
        ...extra,
        ...(net.hostsLines ?? []),
        '',
      ].join('\n');
    }
    files['resolv.conf'] = resolvConfFor(await readOr('/etc/resolv.conf', ''), {
      ...(net.nameserver ? { nameserver: net.nameserver } : {}),
      dns: h.Dns ?? [],
      search: h.DnsSearch ?? [],
      options: h.DnsOptions ?? [],
    });
    await Promise.all(Object.entries(files).map(([name, text]) => writeFileAtomic(path.join(dir, name), text, { durable: false })));
    return Object.keys(files).map((name) => ({ source: path.join(dir, name), destination: `/etc/${name}`, readonly: false }));
  }
}

/** --add-host "name:ip" (Docker also takes "name=ip") as a hosts line. */
function extraHostLine(spec: string): string {
  const at = spec.search(/[:=]/);
  return at < 0 ? spec : `${spec.slice(at + 1)}\t${spec.slice(0, at)}`;
}

async function readOr(file: string, fallback: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * The container's resolv.conf, as Docker's: on a user-defined network the
 * embedded DNS (here: the network's gateway) with ndots:0; otherwise --dns
 * servers, or the host's minus loopback ones (unreachable from the
 * container's own netns; Docker then falls back to public resolvers, Berth
 * names no outside host). --dns-search and --dns-option replace the host's.
 */
export function resolvConfFor(host: string, o: { nameserver?: string; dns?: string[]; search?: string[]; options?: string[] } = {}): string {
  const lines = host.split('\n');
  const hostServers = lines.filter((l) => /^\s*nameserver\s/.test(l) && !/^\s*nameserver\s+(127\.|::1)/.test(l));
  const hostSearch = lines.filter((l) => /^\s*(search|domain)\s/.test(l));
  const hostOptions = lines.filter((l) => /^\s*options\s/.test(l));
  const servers = o.nameserver ? [`nameserver ${o.nameserver}`] : o.dns?.length ? o.dns.map((d) => `nameserver ${d}`) : hostServers;
  const search = o.search?.length ? [`search ${o.search.join(' ')}`] : hostSearch;
  const options = o.options?.length ? [`options ${o.options.join(' ')}`] : o.nameserver ? ['options ndots:0'] : hostOptions;
  return [...servers, ...search, ...options].join('\n').trim() + '\n';
}
