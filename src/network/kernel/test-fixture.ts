/**
 * What the kernel tests share: names and a subnet that belong to one test
 * run only, and a cleanup ledger that removes every netdev, namespace and
 * mount a test made (registered with t.after, so it runs on failure too).
 * Used by tests only.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { ip } from '../../host/ip-tool.js';
import { cidrsOverlap } from '../ipam/cidr.js';
import { removeBridge } from './bridge.js';
import { listAddresses } from './host-addresses.js';
import { removeNetns, unmountNetnsDir } from './netns.js';
import { detachVeth } from './veth.js';

export interface KernelFixture {
  /** 'bt' + 4 hex + 'k': the prefix of every bridge this test makes. */
  prefix: string;
  /** A /24 under 10.213.0.0/16 that no host route or address overlaps. */
  subnet: string;
  /** '10.213.X.' — append a host number. */
  net: string;
  /** '10.214.Y.': the prefix of a second free /24, for a second network. */
  net2: string;
  /** A directory for namespace files (a mount point once used). */
  netnsDir: string;
  bridge(suffix?: string): string;
  /** Registers a host-side link (veth or other) for deletion. */
  link(name: string): string;
  /** Registers a namespace file for removal. */
  netns(name: string): string;
}

export async function kernelFixture(t: TestContext): Promise<KernelFixture> {
  const prefix = `bt${randomBytes(2).toString('hex')}k`;
  const taken = (await listAddresses()).map((a) => a.cidr);
  const freeSlash24 = (second: number): string => {
    for (let i = 0; i < 64; i++) {
      const candidate = `10.${second}.${randomBytes(1)[0]}.0/24`;
      if (!taken.some((c) => cidrsOverlap(c, candidate))) return candidate;
    }
    throw new Error(`no free 10.${second}.x.0/24 for the test`);
  };
  const subnet = freeSlash24(213);
  const subnet2 = freeSlash24(214);
  const base = await fs.realpath(await fs.mkdtemp(path.join(tmpdir(), 'berth-kernel-')));
  const netnsDir = path.join(base, 'netns');
  const bridges = new Set<string>();
  const links = new Set<string>();
  const files = new Set<string>();
  t.after(async () => {
    const errors: unknown[] = [];
    const attempt = (p: Promise<unknown>) => p.catch((e: unknown) => errors.push(e));
    for (const l of links) await attempt(detachVeth(l));
    for (const f of files) await attempt(removeNetns(f));
    await attempt(unmountNetnsDir(netnsDir));
    for (const b of bridges) await attempt(removeBridge(b));
    // Anything else carrying the prefix (a half-made bridge) goes too.
    for (const name of await fs.readdir('/sys/class/net')) {
      if (name.startsWith(prefix)) await attempt(ip(['link', 'del', name]));
    }
    await fs.rm(base, { recursive: true, force: true });
    if (errors.length) throw new AggregateError(errors, 'kernel test cleanup failed');
  });
  return {
    prefix,
    subnet,
    net: subnet.slice(0, subnet.lastIndexOf('.') + 1),
    net2: subnet2.slice(0, subnet2.lastIndexOf('.') + 1),
    netnsDir,
    bridge: (suffix = '0') => {
      const name = prefix + suffix;
      bridges.add(name);
      return name;
    },
    link: (name) => (links.add(name), name),
    netns: (name) => {
      const file = path.join(netnsDir, name);
      files.add(file);
      return file;
    },
  };
}

/** Resolves once `name` no longer exists in the host namespace (namespace teardown is asynchronous). */
export async function waitGone(name: string, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fs.access(`/sys/class/net/${name}`);
    } catch {
      return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}
