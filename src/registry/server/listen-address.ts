/**
 * `--addr host:port` parsing and the loopback rule: without authentication
 * the registry listens only on a loopback address unless told otherwise.
 */
import { isIP } from 'node:net';
import { FailedPreconditionError, InvalidArgumentError } from '../../errors.js';

export interface ListenAddress {
  /** '' = every interface. */
  host: string;
  port: number;
}

export const DEFAULT_ADDR = '127.0.0.1:5000';

/** "127.0.0.1:5000", "[::1]:5000", "localhost:0", ":5000" (every interface). */
export function parseListenAddress(addr: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(addr.trim());
  if (m === null) throw new InvalidArgumentError(`invalid listen address ${JSON.stringify(addr)}: expected HOST:PORT`);
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port > 65535) throw new InvalidArgumentError(`invalid listen address ${JSON.stringify(addr)}: port out of range`);
  if (m[1] !== undefined && isIP(host) !== 6) throw new InvalidArgumentError(`invalid listen address ${JSON.stringify(addr)}: not an IPv6 address`);
  return { host, port };
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Throws unless the address is loopback, authentication is on, or remote serving was asked for. */
export function checkExposure(addr: ListenAddress, authMode: string, allowRemote: boolean): void {
  if (isLoopbackHost(addr.host) || authMode !== 'none' || allowRemote) return;
  const shown = addr.host === '' ? `*:${addr.port}` : `${addr.host}:${addr.port}`;
  throw new FailedPreconditionError(
    `refusing to serve the registry on ${shown} without authentication: use --auth htpasswd|token, or --allow-remote to serve it to anyone who can reach it`,
  );
}
