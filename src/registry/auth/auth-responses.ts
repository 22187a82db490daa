/**
 * The responses the registry sends when auth stops a request, in the
 * distribution spec's error format. The bodies match distribution's: 401
 * `UNAUTHORIZED` "authentication required" with the access records as detail
 * (and a `WWW-Authenticate` challenge), 403 `DENIED` "requested access to the
 * resource is denied".
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { formatScope, mergeAccess } from './scope.js';
import type { Access, AuthResponse } from './types.js';

/** Distribution's detail for an auth error: one record per resource and action. */
function accessRecords(wanted: Access[]): Array<{ Type: string; Class: string; Name: string; Action: string }> {
  return wanted.flatMap((w) => w.actions.map((a) => ({ Type: w.type, Class: '', Name: w.name, Action: a })));
}

export function unauthorized(challenge: string, wanted: Access[], message = 'authentication required'): AuthResponse {
  return {
    status: 401,
    headers: { 'WWW-Authenticate': challenge, 'Content-Type': 'application/json; charset=utf-8' },
    body: { errors: [{ code: 'UNAUTHORIZED', message, detail: accessRecords(wanted) }] },
  };
}

export function denied(wanted: Access[]): AuthResponse {
  return {
    status: 403,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: { errors: [{ code: 'DENIED', message: 'requested access to the resource is denied', detail: accessRecords(wanted) }] },
  };
}

/** A quoted-string for a challenge parameter (RFC 7230: backslash-escape `"` and `\`). */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

export function basicChallenge(realm: string): string {
  return `Basic realm=${quote(realm)}`;
}

export type BearerError = 'invalid_token' | 'insufficient_scope';

export function bearerChallenge(realm: string, service: string, wanted: Access[], error?: BearerError): string {
  let out = `Bearer realm=${quote(realm)},service=${quote(service)}`;
  const scopes = mergeAccess(wanted).filter((w) => w.actions.length > 0);
  if (scopes.length > 0) out += `,scope=${quote(scopes.map(formatScope).join(' '))}`;
  if (error) out += `,error=${quote(error)}`;
  return out;
}

/**
 * The realm URL for a request. A realm given as a path (`/token`) is served
 * by this registry, so it is made absolute from the request's own scheme and
 * Host: that works for random ports and any name the client used.
 */
export function absoluteRealm(realm: string, req: IncomingMessage): string {
  if (!realm.startsWith('/')) return realm;
  const tls = (req.socket as Partial<TLSSocket>).encrypted === true;
  const host = req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 80}`;
  return `${tls ? 'https' : 'http'}://${host}${realm}`;
}

/** The `user:password` of a `Basic` Authorization header, or undefined when there is none or it is malformed. */
export function parseBasicAuthorization(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const m = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The raw token of a `Bearer` Authorization header. */
export function parseBearerAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}
