/**
 * IPAM: which subnet a network gets (SubnetPools), which address an endpoint
 * gets within it (AddressPool), and its MAC (macFor). Pure logic; the kernel
 * facts it needs (host routes) are read by src/network/kernel and passed in.
 */
export * from './cidr.js';
export * from './subnet-pools.js';
export * from './address-pool.js';
export * from './mac.js';
