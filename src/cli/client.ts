/**
 * EngineClient: the typed Docker Engine API client used by the `berth` CLI
 * and by integration tests.
 *
 *   const client = new EngineClient('unix:///run/berth/berth.sock');
 *   const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['true'], HostConfig: {} });
 *   await client.containers.start(Id);
 *   client.close();
 *
 * Lifecycle: construction opens nothing; the first call pings the daemon to
 * agree on an API version (see client/transport.ts), later calls reuse a
 * keep-alive connection; close() releases idle sockets. Failures are
 * DaemonError (the daemon said no: .statusCode, .kind) or
 * DaemonUnreachableError (nobody listening).
 */
import { ContainersApi } from './client/containers.js';
import { ExecApi } from './client/exec.js';
import { ImagesApi } from './client/images.js';
import { NetworksApi } from './client/networks.js';
import { SystemApi } from './client/system.js';
import { VolumesApi } from './client/volumes.js';
import { DEFAULT_HOST, parseDaemonHost, Transport } from './client/transport.js';

export { DaemonError, DaemonUnreachableError, isDaemonError } from './client/daemon-error.js';
export { DEFAULT_HOST, MAX_API_VERSION, MIN_API_VERSION } from './client/transport.js';
export type * from './client/types.js';
export type { Volume, VolumeCreateOptions, VolumeListResponse, VolumePruneResponse } from './client/volumes.js';

export interface ClientOptions {
  /** Skip negotiation and use this API version (like DOCKER_API_VERSION). */
  apiVersion?: string;
}

/** The host from the environment: $DOCKER_HOST, else Berth's default socket. */
export function defaultHost(env: NodeJS.ProcessEnv = process.env): string {
  const h = env['DOCKER_HOST'];
  return h !== undefined && h !== '' ? h : DEFAULT_HOST;
}

export class EngineClient {
  readonly host: string;
  readonly containers: ContainersApi;
  readonly images: ImagesApi;
  readonly networks: NetworksApi;
  readonly exec: ExecApi;
  readonly system: SystemApi;
  readonly volumes: VolumesApi;
  readonly #transport: Transport;

  constructor(host: string = defaultHost(), options: ClientOptions = {}) {
    this.#transport = new Transport(parseDaemonHost(host), options);
    this.host = this.#transport.address.url;
    this.containers = new ContainersApi(this.#transport);
    this.images = new ImagesApi(this.#transport);
    this.networks = new NetworksApi(this.#transport);
    this.exec = new ExecApi(this.#transport);
    this.system = new SystemApi(this.#transport);
    this.volumes = new VolumesApi(this.#transport);
  }

  /** The API version in use (negotiated on first call). */
  apiVersion(): Promise<string> {
    return this.#transport.apiVersion();
  }

  close(): void {
    this.#transport.close();
  }
}
