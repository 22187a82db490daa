/**
 * The token server's endpoint (Docker's token authentication spec), served
 * by the registry itself at the realm's path.
 *
 *   GET  <realm>?service=S&scope=repository:a:pull,push&scope=…&account=U[&offline_token=true]
 *        Authorization: Basic … (optional: without it the caller is anonymous)
 *   POST <realm>  (application/x-www-form-urlencoded, OAuth2 as docker login uses it)
 *        grant_type=password&username=U&password=P&service=S&scope=…[&access_type=offline]
 *        grant_type=refresh_token&refresh_token=R&service=S&scope=…
 *
 * The caller is authenticated against the htpasswd file; the scopes asked
 * for are cut down to what the access policy grants (a token server grants
 * a subset, never refuses a scope outright); the answer is
 * `{token, access_token, expires_in, issued_at[, refresh_token]}`. Wrong
 * credentials get 401 with `details`, which the docker CLI shows as
 * "unauthorized: incorrect username or password".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessPolicy } from './access-policy.js';
import { parseBasicAuthorization } from './auth-responses.js';
import type { HtpasswdFile } from './htpasswd.js';
import { formatScope, parseScopes } from './scope.js';
import type { TokenIssuer } from './token-issuer.js';
import type { Access } from './types.js';

const MAX_FORM_BYTES = 64 * 1024;

class EndpointError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export class TokenEndpoint {
  readonly #issuer: TokenIssuer;
  readonly #users: HtpasswdFile;
  readonly #policy: AccessPolicy;

  constructor(issuer: TokenIssuer, users: HtpasswdFile, policy: AccessPolicy) {
    this.#issuer = issuer;
    this.#users = users;
    this.#policy = policy;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await this.#answer(req);
      send(res, 200, body);
    } catch (err) {
      if (!(err instanceof EndpointError)) throw err;
      const headers: Record<string, string> = err.status === 401 ? { 'WWW-Authenticate': 'Basic realm="berth token server"' } : {};
      if (err.status === 405) headers.Allow = 'GET, POST';
      send(res, err.status, { errors: [{ code: err.code, message: err.message, detail: null }], details: err.message }, headers);
    }
  }

  async #answer(req: IncomingMessage): Promise<Record<string, unknown>> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' || req.method === 'HEAD') {
      const q = url.searchParams;
      const basic = parseBasicAuthorization(req.headers.authorization);
      let subject: string | undefined;
      if (basic !== undefined) {
        subject = await this.#login(basic.user, basic.password);
        const account = q.get('account');
        if (account !== null && account !== '' && account !== subject) {
          throw new EndpointError(400, 'DENIED', 'account does not match the credentials');
        }
      }
      const offline = q.get('offline_token') === 'true' && subject !== undefined;
      return this.#grant(subject, q.get('service'), q.getAll('scope'), offline, false);
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const grantType = form.get('grant_type');
      let subject: string;
      let offline = false;
      if (grantType === 'password') {
        subject = await this.#login(form.get('username') ?? '', form.get('password') ?? '');
        offline = form.get('access_type') === 'offline';
      } else if (grantType === 'refresh_token') {
        subject = await this.#refresh(form.get('refresh_token') ?? '');
      } else {
        throw new EndpointError(400, 'UNSUPPORTED', `unsupported grant_type: ${grantType ?? ''}`);
      }
      return this.#grant(subject, form.get('service'), form.getAll('scope'), offline, true);
    }
    throw new EndpointError(405, 'UNSUPPORTED', `method not allowed: ${req.method ?? ''}`);
  }

  async #login(user: string, password: string): Promise<string> {
    if (user === '' || !(await this.#users.verify(user, password))) {
      throw new EndpointError(401, 'UNAUTHORIZED', 'incorrect username or password');
    }
    return user;
  }

  async #refresh(token: string): Promise<string> {
    let claims: { subject: string; fingerprint: string };
    try {
      claims = this.#issuer.verifyRefresh(token);
    } catch {
      throw new EndpointError(401, 'UNAUTHORIZED', 'invalid refresh token');
    }
    // A changed password or a removed user makes old refresh tokens useless.
    if ((await this.#users.fingerprint(claims.subject)) !== claims.fingerprint) {
      throw new EndpointError(401, 'UNAUTHORIZED', 'invalid refresh token');
    }
    return claims.subject;
  }

  async #grant(
    subject: string | undefined,
    service: string | null,
    scopeParams: string[],
    offline: boolean,
    oauth: boolean,
  ): Promise<Record<string, unknown>> {
    if (subject === undefined && !this.#policy.anonymousPull) {
      throw new EndpointError(401, 'UNAUTHORIZED', 'authentication required');
    }
    if (service !== null && service !== '' && service !== this.#issuer.settings.service) {
      throw new EndpointError(400, 'UNSUPPORTED', `unknown service: ${service}`);
    }
    let wanted: Access[];
    try {
      wanted = parseScopes(scopeParams);
    } catch (err) {
      throw new EndpointError(400, 'UNSUPPORTED', (err as Error).message);
    }
    const granted = (await this.#policy.grant(subject, wanted)).filter((a) => a.actions.length > 0);
    const issued = this.#issuer.issueAccess(subject ?? '', granted);
    const out: Record<string, unknown> = {
      token: issued.token,
      access_token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt.toISOString(),
    };
    if (oauth) out.scope = granted.map(formatScope).join(' ');
    if (offline && subject !== undefined) {
      out.refresh_token = this.#issuer.issueRefresh(subject, (await this.#users.fingerprint(subject)) ?? '');
    }
    return out;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new EndpointError(413, 'SIZE_INVALID', 'token request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
