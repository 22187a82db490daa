/**
 * Packet filtering, NAT and published ports for Berth's bridge networks:
 * Firewall (iptables rules, firewall.ts; chain layout in chains.ts) and
 * PortReserver (host ports held by the daemon, port-reserver.ts).
 */
export { Firewall, type FirewallOptions } from './firewall.js';
export { PortReserver, type PortProto, type PortReserverOptions } from './port-reserver.js';
export type { NetworkSpec, PortMapping } from './rules.js';
