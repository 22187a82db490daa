/**
 * `docker update`: a container's restart policy and resource limits,
 * changed in its record and, while it runs (or is paused), in its cgroup
 * through `runc update`. A stopped or restarting container gets them at its
 * next start (the spec is built from the record).
 *
 * Under the container's lock: merge (update-request.ts) → runc update (if
 * running) → save; a refusal by the kernel (a memory limit below what the
 * container uses) leaves the record as it was. Then the `update` event.
 */
import { BerthError, ConflictError } from '../../errors.js';
import type { UpdateConfigWire } from '../../api/types/container-wire.js';
import type { RuncRuntime } from '../../runtime/runc-runtime.js';
import type { ContainerService } from '../container-service.js';
import { liveResources, mergeUpdate, parseUpdate } from './update-request.js';

export class ContainerUpdater {
  constructor(
    private readonly containers: ContainerService,
    private readonly runtime: RuncRuntime,
  ) {}

  /** Returns Docker's UpdateResponse: the warnings about limits this host cannot apply. */
  async update(idOrName: string, body: UpdateConfigWire): Promise<{ Warnings: string[] }> {
    const c = this.containers.store.get(idOrName);
    const { request, warnings } = parseUpdate(body);
    await this.containers.locks.run(c.id, async () => {
      if (c.state.status === 'removing' || c.state.status === 'dead') {
        throw new ConflictError(`Cannot update container ${c.id}: container is marked for removal and cannot be "update"`);
      }
      const before = c.hostConfig;
      const next = mergeUpdate(c.id, before, request);
      if (c.state.status === 'running' || c.state.status === 'paused') {
        try {
          await this.runtime.update(c.id, liveResources(request));
        } catch (err) {
          // As Docker: the runtime's refusal, under the container's name (HTTP 500).
          throw new BerthError(`Cannot update container ${c.id}: ${runtimeReason(err)}`, { cause: err });
        }
      }
      c.hostConfig = next;
      try {
        await this.containers.store.save(c);
      } catch (err) {
        c.hostConfig = before;
        throw err;
      }
    });
    this.containers.events.emit('event', { type: 'container', action: 'update', id: c.id });
    return { Warnings: warnings };
  }
}

function runtimeReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^runtime: /, '').replace(/^runc update failed: /, '');
}
