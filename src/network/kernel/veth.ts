/**
 * A container's link to one network: a veth pair whose host end is a port of
 * the network's bridge and whose other end is `eth<N>` inside the
 * container's network namespace, with its address, MAC and default route.
 *
 * Lifecycle: createNetns → attachVeth per network (at start, or at a live
 * `network connect`) → detachVeth at `network disconnect` → removeNetns when
 * the container is gone.
 *
 * attachVeth costs two processes. The first, in the host namespace, creates
 * the pair with the host end already enslaved and up and the peer created
 * directly inside the namespace file under its final name and MAC (`ip link
 * add … netns FILE`; iproute2 takes a path there, though not for `-n`). The
 * second is an `ip -batch` run inside the namespace (nsenter) for what only
 * that namespace's netlink can do: address, up, route. The kernel refuses to
 * bring the peer up from outside.
 *
 * detachVeth is slow by nature (15–45 ms here, median 25): the kernel
 * answers a link deletion only after an RCU barrier. So use it for a live
 * `network disconnect` only. When the container is gone, removeNetns alone
 * (about 2 ms) is enough: the last reference to the namespace drops and the
 * kernel deletes every veth pair with an end inside it, off the caller's
 * path (within tens of ms). A quick restart that finds the old host end
 * still there is handled by attachVeth (it replaces it).
 */
import { existsSync, promises as fs } from 'node:fs';
import { ConflictError, InvalidArgumentError, NotFoundError, isErrno } from '../../errors.js';
import { ip, ipBatch, isAlreadyExists, isNoSuchDevice } from '../../host/ip-tool.js';
import { parseCidr, parseIPv4 } from '../ipam/cidr.js';
import { checkIfname } from './ifname.js';
import { isNetnsFile } from './netns.js';

export { hostIfnameFor } from './ifname.js';

export interface AttachVethOptions {
  /** The network's bridge (must exist). */
  bridge: string;
  /** The host end, from hostIfnameFor(containerId, index). */
  hostIfname: string;
  /** The container's namespace file (createNetns). */
  netnsFile: string;
  /** The name inside the container: eth0, eth1, … */
  ifname: string;
  /** Address with the subnet's prefix length: '172.18.0.2/16'. */
  addressCidr: string;
  /** macFor(address). */
  mac: string;
  /** Default route via this address (the first network's gateway only). */
  gateway?: string;
  mtu?: number;
}

const SYS_NET = '/sys/class/net';
/** Without IPv6 in the kernel, `addrgenmode` is an error; with it, skip link-local addresses Berth does not use. */
const HAS_IPV6 = existsSync('/proc/sys/net/ipv6');

export async function attachVeth(o: AttachVethOptions): Promise<void> {
  checkOptions(o);
  if (!(await isNetnsFile(o.netnsFile))) throw new NotFoundError(`no network namespace at ${o.netnsFile}`);
  if (!(await exists(`${SYS_NET}/${o.bridge}/bridge`))) throw new NotFoundError(`no such bridge: ${o.bridge}`);
  const mtu = o.mtu === undefined ? [] : ['mtu', String(o.mtu)];
  const add = ['link', 'add', o.hostIfname, ...mtu, 'master', o.bridge, 'up', 'type', 'veth'];
  add.push('peer', 'name', o.ifname, 'address', o.mac, ...mtu, 'netns', o.netnsFile);
  try {
    await ip(add);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    if (!(await exists(`${SYS_NET}/${o.hostIfname}`))) {
      throw new ConflictError(`network interface ${o.ifname} already exists in ${o.netnsFile}`, { cause: err });
    }
    // A leftover from an earlier start of the same container (its name is deterministic): replace it.
    await detachVeth(o.hostIfname);
    await ip(add);
  }
  // Hairpin: a container reaching its own published port through a host address is DNATed back
  // out of the port it came in on; with br_netfilter the bridge drops that unless hairpin is on
  // (Docker sets it too when it runs without its userland proxy). sysfs, so no process.
  await fs.writeFile(`${SYS_NET}/${o.hostIfname}/brport/hairpin_mode`, '1').catch(async (err: unknown) => {
    await detachVeth(o.hostIfname).catch(() => {});
    throw err;
  });
  const inside = [
    ...(HAS_IPV6 ? [`link set ${o.ifname} addrgenmode none`] : []),
    `addr add ${o.addressCidr} dev ${o.ifname}`,
    `link set ${o.ifname} up`,
    ...(o.gateway === undefined ? [] : [`route add default via ${o.gateway} dev ${o.ifname}`]),
  ];
  try {
    await ipBatch(inside, { netnsFile: o.netnsFile });
  } catch (err) {
    await detachVeth(o.hostIfname).catch(() => {});
    throw err;
  }
}

/** Deletes the pair by its host end (deleting one end deletes both); absent is fine. */
export async function detachVeth(hostIfname: string): Promise<void> {
  checkIfname(hostIfname);
  try {
    await ip(['link', 'del', hostIfname]);
  } catch (err) {
    if (!isNoSuchDevice(err)) throw err;
  }
}

function checkOptions(o: AttachVethOptions): void {
  for (const n of [o.bridge, o.hostIfname, o.ifname]) checkIfname(n);
  if (!o.addressCidr.includes('/')) throw new InvalidArgumentError(`address ${o.addressCidr} needs a prefix length`);
  parseCidr(o.addressCidr);
  if (o.gateway !== undefined) parseIPv4(o.gateway);
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(o.mac)) throw new InvalidArgumentError(`invalid mac address: ${o.mac}`);
  if (o.mtu !== undefined && (!Number.isInteger(o.mtu) || o.mtu < 68 || o.mtu > 65535)) {
    throw new InvalidArgumentError(`invalid mtu: ${o.mtu}`);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}
