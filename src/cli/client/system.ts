/**
 * System endpoints: /_ping, /version, /info.
 */
import { readBody, type Transport } from './transport.js';
import type { InfoResponse, VersionResponse } from './types.js';

export interface PingResult {
  apiVersion?: string;
  osType?: string;
  body: string;
}

export class SystemApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** GET /_ping: "OK" and the daemon's API-Version / OSType headers. */
  async ping(): Promise<PingResult> {
    const res = await this.#t.request({ method: 'GET', path: '/_ping', versioned: false });
    const body = (await readBody(res)).toString('utf8');
    const header = (k: string): string | undefined => {
      const v = res.headers[k];
      return Array.isArray(v) ? v[0] : v;
    };
    return { apiVersion: header('api-version'), osType: header('ostype'), body };
  }

  version(): Promise<VersionResponse> {
    return this.#t.json({ method: 'GET', path: '/version' });
  }

  info(): Promise<InfoResponse> {
    return this.#t.json({ method: 'GET', path: '/info' });
  }
}
