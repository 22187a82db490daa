/**
 * Network interface names: what Berth accepts, and the deterministic name of
 * a container's host-side veth.
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../errors.js';

/** Linux allows up to 15 bytes (IFNAMSIZ - 1); Berth also keeps to a safe alphabet. */
export function checkIfname(name: string): void {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name) || name === '.' || name === '..') {
    throw new InvalidArgumentError(`invalid network interface name: ${name}`);
  }
}

/**
 * The host-side veth of a container's `index`-th network: 'veth' + 7 hex of
 * sha256(id:index). Deterministic, so a restarted daemon can find and delete
 * it from the container record alone.
 */
export function hostIfnameFor(containerId: string, index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new InvalidArgumentError(`invalid endpoint index: ${index}`);
  return 'veth' + createHash('sha256').update(`${containerId}:${index}`).digest('hex').slice(0, 7);
}
