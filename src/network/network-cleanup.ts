/**
 * `berthd --cleanup`: removes what a daemon made on the host for its
 * networks — the bridges of its networks, its iptables chains and rules,
 * its netns directory — once nothing of it runs any more. The daemon
 * itself leaves them in place when it stops, because containers keep
 * running (and published ports answering) across a restart; this is how
 * the host is made clean after it (uninstall, tests).
 */
import * as path from 'node:path';
import { Firewall } from './firewall/index.js';
import { removeBridge, unmountNetnsDir } from './kernel/index.js';
import { NetworkStore } from './network-store.js';

export async function cleanupNetworking(o: { dataRoot: string; execRoot: string; prefix: string }): Promise<string[]> {
  const removed: string[] = [];
  const store = new NetworkStore(o.dataRoot);
  const bridges = new Set([`${o.prefix}0`]);
  for (const n of await store.init().catch(() => [])) if (n.bridge) bridges.add(n.bridge);
  await new Firewall({ prefix: o.prefix.toUpperCase() }).teardown();
  removed.push(`iptables chains ${o.prefix.toUpperCase()}-*`);
  for (const b of bridges) {
    await removeBridge(b);
    removed.push(`bridge ${b}`);
  }
  await unmountNetnsDir(path.join(o.execRoot, 'netns')).catch(() => undefined);
  return removed;
}
