/**
 * Fetching a bearer token from a challenge's realm (client side of Docker's
 * token authentication):
 *
 *   - identity token (a refresh token `docker login` stored): OAuth2 POST
 *     `grant_type=refresh_token&refresh_token=…&service=…&scope=a b&client_id=…`;
 *   - username/password, or nobody: GET `realm?service=…&scope=a&scope=b[&account=user]`
 *     with `Authorization: Basic` when there are credentials (every token
 *     server speaks this; Docker Hub, distribution, Berth's own).
 *
 * The answer may name the token `token` or `access_token`; `expires_in` is
 * taken at its word but never below 60 s, the spec's minimum and what the
 * docker client assumes when it is missing.
 */
import http from 'node:http';
import https from 'node:https';
import { PermissionDeniedError, UnauthenticatedError, UnavailableError } from '../../errors.js';
import type { Credentials } from './client-auth.js';

export interface FetchedToken {
  token: string;
  /** Local clock, ms: when to stop using it. */
  expiresAt: number;
  refreshToken?: string;
}

export interface TokenRequestOptions {
  /**
   * The agent for a realm URL: lets berthd use its own (keep-alive, or
   * `rejectUnauthorized: false` for an insecure registry whose realm is on
   * the same self-signed TLS). Default: node's global agents.
   */
  agentFor?: (url: URL) => http.Agent | undefined;
  clientId?: string;
  userAgent?: string;
  timeoutMs?: number;
  /** Ask for a refresh token too (GET `offline_token=true`), as `docker login` does. */
  offline?: boolean;
  now?: () => number;
}

const MIN_LIFETIME_S = 60;
/** Stop using a token a little before it expires: a request may take a moment to reach the registry. */
const EARLY_S = 5;

export async function fetchRegistryToken(
  params: Record<string, string>,
  creds: Credentials | undefined,
  scopes: string[],
  opts: TokenRequestOptions = {},
): Promise<FetchedToken> {
  const realm = params.realm;
  if (realm === undefined || realm === '') throw new UnavailableError('bearer challenge without a realm');
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new UnavailableError(`bearer challenge with an invalid realm: ${realm}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnavailableError(`unsupported token realm: ${realm}`);
  const clientId = opts.clientId ?? 'berth';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.userAgent !== undefined) headers['User-Agent'] = opts.userAgent;
  let method: 'GET' | 'POST';
  let body: string | undefined;
  if (creds?.identityToken !== undefined && creds.identityToken !== '') {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: clientId });
    if (params.service !== undefined) form.set('service', params.service);
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    method = 'POST';
    body = form.toString();
  } else {
    if (params.service !== undefined) url.searchParams.set('service', params.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    url.searchParams.set('client_id', clientId);
    if (creds?.username !== undefined && creds.username !== '') {
      url.searchParams.set('account', creds.username);
      const basic = Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64');
      headers.Authorization = `Basic ${basic}`;
      if (opts.offline) url.searchParams.set('offline_token', 'true');
    }
    method = 'GET';
  }
  const started = (opts.now ?? Date.now)();
  let res: { status: number; text: string };
  try {
    res = await exchange(url, method, headers, body, opts.agentFor?.(url), opts.timeoutMs ?? 30_000);
  } catch (err) {
    throw new UnavailableError(`token request to ${url.origin}${url.pathname} failed: ${(err as Error).message}`, { cause: err });
  }
  if (res.status === 401 || res.status === 403) throw registryAuthError(res.status, res.text);
  if (res.status < 200 || res.status > 299) {
    throw new UnavailableError(`token request to ${url.origin}${url.pathname} failed with status ${res.status}: ${res.text.slice(0, 200).trim()}`);
  }
  let answer: { token?: unknown; access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
  try {
    answer = JSON.parse(res.text) as typeof answer;
  } catch {
    throw new UnavailableError(`token server ${url.origin} answered with invalid JSON`);
  }
  const token = typeof answer.token === 'string' && answer.token !== '' ? answer.token : answer.access_token;
  if (typeof token !== 'string' || token === '') throw new UnavailableError(`token server ${url.origin} answered without a token`);
  const lifetime = typeof answer.expires_in === 'number' && answer.expires_in > MIN_LIFETIME_S ? answer.expires_in : MIN_LIFETIME_S;
  const out: FetchedToken = { token, expiresAt: started + (lifetime - EARLY_S) * 1000 };
  if (typeof answer.refresh_token === 'string' && answer.refresh_token !== '') out.refreshToken = answer.refresh_token;
  return out;
}

const MAX_ANSWER_BYTES = 1024 * 1024;

/** One request with node:http(s) (not fetch, so berthd's agents and TLS settings apply); the whole answer as text. */
function exchange(
  url: URL,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: string | undefined,
  agent: http.Agent | undefined,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const h = { ...headers };
  if (body !== undefined) h['Content-Length'] = String(Buffer.byteLength(body));
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method, headers: h, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) req.destroy(new Error('answer too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The error for a 401 (UnauthenticatedError) or 403 (PermissionDeniedError)
 * from a registry or token server, worded as the
 * docker client words it: `<code in lower case>: <message>`, e.g.
 * "unauthorized: authentication required", "denied: requested access to the
 * resource is denied", or the token server's `details`
 * ("unauthorized: incorrect username or password").
 */
export function registryAuthError(status: number, bodyText: string): UnauthenticatedError | PermissionDeniedError {
  let message = status === 403 ? 'denied: requested access to the resource is denied' : 'unauthorized: authentication required';
  try {
    const body = JSON.parse(bodyText) as { details?: unknown; errors?: Array<{ code?: unknown; message?: unknown }> };
    const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
    if (typeof body.details === 'string' && body.details !== '') {
      message = `${status === 403 ? 'denied' : 'unauthorized'}: ${body.details}`;
    } else if (first && typeof first.code === 'string') {
      const code = first.code.toLowerCase().replace(/_/g, ' ');
      message = typeof first.message === 'string' && first.message !== '' ? `${code}: ${first.message}` : code;
    }
  } catch {
    // Not JSON: keep the generic wording.
  }
  return status === 403 ? new PermissionDeniedError(message) : new UnauthenticatedError(message);
}
