/**
 * Linux bridges, one per Berth network (`berth0` for the default network,
 * `br-<id12>`-style names for user networks; a per-daemon prefix in tests).
 *
 * Lifecycle: ensureBridge(...) when a network is created and again at every
 * berthd start (idempotent: it repairs address, MTU and up state, and never
 * disturbs the ports of running containers) → containers' veths join it →
 * removeBridge(name) when the network is removed. listBridges(prefix) and
 * listBridgePorts(name) let a daemon find bridges and veths it no longer knows.
 *
 * The bridge gets a fixed MAC (derived from its gateway address): without
 * one, Linux gives a bridge the lowest MAC among its ports, so it would
 * change as containers come and go and every container's ARP entry for the
 * gateway would go stale.
 */
import { promises as fs } from 'node:fs';
import { ConflictError, InvalidArgumentError, isErrno } from '../../errors.js';
import { ipBatch, ipJson, isNoSuchDevice, ip } from '../../host/ip-tool.js';
import { canonicalCidr, parseCidr } from '../ipam/cidr.js';
import { macFor } from '../ipam/mac.js';
import { checkIfname } from './ifname.js';

export interface BridgeOptions {
  name: string;
  /** The gateway's address with the subnet's prefix length, e.g. '172.18.0.1/16'. */
  gatewayCidr: string;
  mtu?: number;
}

const SYS_NET = '/sys/class/net';

export async function ensureBridge(o: BridgeOptions): Promise<void> {
  checkIfname(o.name);
  const gw = parseCidr(o.gatewayCidr);
  if (!o.gatewayCidr.includes('/')) {
    throw new InvalidArgumentError(`bridge address ${o.gatewayCidr} needs the subnet's prefix length, e.g. ${o.gatewayCidr}/16`);
  }
  if (canonicalCidr(gw) === o.gatewayCidr) {
    throw new InvalidArgumentError(`bridge address ${o.gatewayCidr} is a network address, not a host in it`);
  }
  if (o.mtu !== undefined && (!Number.isInteger(o.mtu) || o.mtu < 68 || o.mtu > 65535)) {
    throw new InvalidArgumentError(`invalid mtu ${o.mtu} for bridge ${o.name}`);
  }
  const gateway = o.gatewayCidr.slice(0, o.gatewayCidr.indexOf('/'));
  let kind = await deviceKind(o.name);
  if (kind === 'absent') {
    const mtu = o.mtu === undefined ? '' : ` mtu ${o.mtu}`;
    try {
      await ipBatch([
        `link add ${o.name} address ${macFor(gateway)}${mtu} type bridge`,
        `addr add ${o.gatewayCidr} dev ${o.name}`,
        `link set ${o.name} up`,
      ]);
    } catch (err) {
      // Lost a race with another ensureBridge: fall through and repair what is there.
      kind = await deviceKind(o.name);
      if (kind === 'absent') throw err;
    }
  }
  if (kind === 'other') throw new ConflictError(`network interface ${o.name} exists and is not a bridge`);
  if (kind === 'bridge') await repairBridge(o);
  await enableForwarding(o.name);
}

/** An existing bridge: make its IPv4 addresses exactly the gateway, set MTU, bring it up. */
async function repairBridge(o: BridgeOptions): Promise<void> {
  const links = await ipJson<Array<{ addr_info?: Array<{ family: string; local: string; prefixlen: number }> }>>([
    '-4', 'addr', 'show', 'dev', o.name,
  ]);
  const have = (links[0]?.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
  const cmds = have.filter((a) => a !== o.gatewayCidr).map((a) => `addr del ${a} dev ${o.name}`);
  if (!have.includes(o.gatewayCidr)) cmds.push(`addr add ${o.gatewayCidr} dev ${o.name}`);
  if (o.mtu !== undefined && Number(await readSys(o.name, 'mtu')) !== o.mtu) cmds.push(`link set ${o.name} mtu ${o.mtu}`);
  if ((Number.parseInt(await readSys(o.name, 'flags'), 16) & 1) === 0) cmds.push(`link set ${o.name} up`); // IFF_UP
  await ipBatch(cmds);
}

/**
 * Routing between the bridge and the world (ip_forward), and routing of
 * 127.0.0.1 traffic that the firewall DNATs to a container (route_localnet):
 * without it the kernel drops a packet from a loopback address that leaves
 * through the bridge, and ports published on 127.0.0.1 would not answer.
 */
async function enableForwarding(bridge: string): Promise<void> {
  await writeSysctlIfNeeded('/proc/sys/net/ipv4/ip_forward', '1');
  await writeSysctlIfNeeded(`/proc/sys/net/ipv4/conf/${bridge}/route_localnet`, '1');
}

async function writeSysctlIfNeeded(file: string, value: string): Promise<void> {
  if ((await fs.readFile(file, 'utf8')).trim() === value) return;
  await fs.writeFile(file, value);
}

/** Deletes the bridge; absent is fine, a device of another kind is refused. */
export async function removeBridge(name: string): Promise<void> {
  checkIfname(name);
  const kind = await deviceKind(name);
  if (kind === 'absent') return;
  if (kind === 'other') throw new ConflictError(`network interface ${name} is not a bridge`);
  try {
    await ip(['link', 'del', name]);
  } catch (err) {
    if (!isNoSuchDevice(err)) throw err;
  }
}

/** Names of the bridges whose name starts with `prefix`, sorted (read from sysfs, no process). */
export async function listBridges(prefix: string): Promise<string[]> {
  const names = await fs.readdir(SYS_NET);
  const out: string[] = [];
  for (const n of names) {
    if (n.startsWith(prefix) && (await deviceKind(n)) === 'bridge') out.push(n);
  }
  return out.sort();
}

/**
 * The ports of a bridge (host-side veths), read from sysfs without a
 * process; for a daemon that sweeps veths of containers it no longer has.
 */
export async function listBridgePorts(bridge: string): Promise<string[]> {
  checkIfname(bridge);
  try {
    return (await fs.readdir(`${SYS_NET}/${bridge}/brif`)).sort();
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}

async function deviceKind(name: string): Promise<'absent' | 'bridge' | 'other'> {
  try {
    await fs.access(`${SYS_NET}/${name}`);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 'absent';
    throw err;
  }
  try {
    await fs.access(`${SYS_NET}/${name}/bridge`);
    return 'bridge';
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 'other';
    throw err;
  }
}

async function readSys(name: string, attr: string): Promise<string> {
  return (await fs.readFile(`${SYS_NET}/${name}/${attr}`, 'utf8')).trim();
}
