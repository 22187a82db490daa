/**
 * The kernel side of container networking: network namespaces bound at
 * files (netns.ts), bridges (bridge.ts), veth pairs with addresses and routes
 * (veth.ts), and what the host already routes (host-addresses.ts). Every
 * process these spawn goes through src/host/ip-tool.ts.
 *
 * Order for one container: createNetns → attachVeth per network → (runs) →
 * removeNetns, with detachVeth for a live disconnect.
 */
export { createNetns, removeNetns, runInNetns, isNetnsFile, ensureNetnsDir, unmountNetnsDir } from './netns.js';
export { ensureBridge, removeBridge, listBridges, listBridgePorts, type BridgeOptions } from './bridge.js';
export { attachVeth, detachVeth, hostIfnameFor, type AttachVethOptions } from './veth.js';
export { checkIfname } from './ifname.js';
export { listAddresses, type HostAddress } from './host-addresses.js';
