/**
 * The network layer's view of a container record (src/network/container-network.ts
 * works on it): the record's networks and attachment are shared, not copied, so
 * what the network layer changes — a connect's wish, an endpoint made at start —
 * is in the record the container service then saves.
 */
import type { ContainerNet } from '../network/container-network.js';
import type { ContainerRecord } from './container.js';

export function containerNet(c: ContainerRecord): ContainerNet {
  c.networks ??= {};
  return {
    id: c.id,
    name: c.name,
    hostname: c.config.Hostname || c.id.slice(0, 12),
    mode: c.hostConfig.NetworkMode || 'bridge',
    wishes: c.networks,
    ...(c.hostConfig.PortBindings ? { portBindings: c.hostConfig.PortBindings } : {}),
    ...(c.config.ExposedPorts ? { exposed: c.config.ExposedPorts } : {}),
    publishAll: !!c.hostConfig.PublishAllPorts,
    get attachment() {
      return c.netAttachment;
    },
    set attachment(a) {
      c.netAttachment = a;
    },
  };
}
