/**
 * Create-time validation of the parts of a container's configuration that the
 * spec builder would otherwise reject at start: the daemon calls
 * `validateResources` before it writes anything, so a bad request fails as
 * InvalidArgument with Docker's message and leaves no container behind.
 * `buildContainerSpec` runs the same checks again, so the two cannot drift.
 */
import { InvalidArgumentError } from '../../errors.js';
import { tweakCapabilities } from './default-capabilities.js';
import { bindMount, tmpfsMount } from './default-mounts.js';
import { hostFacts, type HostFacts } from './host-facts.js';
import { normalizeResources } from './resources.js';
import type { ContainerSpecInput } from './types.js';

/** HOST_NAME_MAX. */
const MAX_HOSTNAME_BYTES = 64;

/** What create-time validation looks at; everything but `resources` is optional. */
export type ValidationInput = Pick<ContainerSpecInput, 'resources'> &
  Partial<Pick<ContainerSpecInput, 'capAdd' | 'capDrop' | 'privileged' | 'tmpfs' | 'binds' | 'hostname' | 'args' | 'shmSize' | 'oomScoreAdj'>>;

/**
 * Throws InvalidArgumentError (Docker's wording) for an invalid configuration;
 * returns Docker's warnings for limits this host cannot enforce (they are
 * dropped, not fatal), for the create response's `Warnings`.
 */
export function validateResources(input: ValidationInput, facts: HostFacts = hostFacts()): string[] {
  if (input.hostname !== undefined && Buffer.byteLength(input.hostname) > MAX_HOSTNAME_BYTES) {
    throw new InvalidArgumentError(
      `hostname ${JSON.stringify(input.hostname)} is too long (maximum ${MAX_HOSTNAME_BYTES} bytes)`,
    );
  }
  if (input.args !== undefined && input.args.length === 0) throw new InvalidArgumentError('No command specified');
  const { warnings } = normalizeResources(input.resources, facts);
  if ((input.shmSize ?? 0) < 0) throw new InvalidArgumentError('SHM size can not be less than 0');
  const oom = input.oomScoreAdj ?? 0;
  if (oom < -1000 || oom > 1000) {
    throw new InvalidArgumentError(`Invalid value ${oom}, range for oom score adj is [-1000, 1000]`);
  }
  tweakCapabilities(input.capAdd ?? [], input.capDrop ?? [], input.privileged ?? false, facts.capabilities);
  for (const [dest, data] of Object.entries(input.tmpfs ?? {})) tmpfsMount(dest, data);
  for (const b of input.binds ?? []) bindMount(b);
  return warnings;
}
