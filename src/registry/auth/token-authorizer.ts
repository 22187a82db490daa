/**
 * `--auth token`: the registry side of Docker's token authentication. Every
 * request needs `Authorization: Bearer <jwt>` signed by this registry's key
 * for this service; otherwise the 401 challenge sends the client to the realm:
 *
 *   Bearer realm="<realm>",service="<service>",scope="repository:<name>:pull,push"
 *
 * As in distribution, every refusal is a 401 challenge carrying the scope
 * wanted: no token; a bad one (`error="invalid_token"`: signature, issuer,
 * audience, expiry); one whose access does not cover the request
 * (`error="insufficient_scope"`, e.g. a token for another repository).
 * The `/v2/` check (`wanted = []`) passes with any valid token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { absoluteRealm, bearerChallenge, parseBearerAuthorization, unauthorized } from './auth-responses.js';
import { covers } from './scope.js';
import type { TokenEndpoint } from './token-endpoint.js';
import type { TokenIssuer } from './token-issuer.js';
import type { Access, AuthResponse, Authorizer } from './types.js';

export class TokenAuthorizer implements Authorizer {
  readonly mode = 'token' as const;
  readonly #issuer: TokenIssuer;
  readonly #realm: string;
  readonly #endpoint: TokenEndpoint;
  readonly tokenPath: string;

  constructor(issuer: TokenIssuer, realm: string, endpoint: TokenEndpoint) {
    this.#issuer = issuer;
    this.#realm = realm;
    this.#endpoint = endpoint;
    this.tokenPath = new URL(realm, 'http://localhost').pathname;
  }

  async check(req: IncomingMessage, wanted: Access[]): Promise<AuthResponse | undefined> {
    const challenge = (error?: 'invalid_token' | 'insufficient_scope') =>
      unauthorized(bearerChallenge(absoluteRealm(this.#realm, req), this.#issuer.settings.service, wanted, error), wanted);
    const raw = parseBearerAuthorization(req.headers.authorization);
    if (raw === undefined) return challenge();
    let granted: Access[];
    try {
      granted = this.#issuer.verifyAccess(raw).access;
    } catch {
      return challenge('invalid_token');
    }
    if (!covers(granted, wanted)) return challenge('insufficient_scope');
    return undefined;
  }

  tokenEndpoint(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return this.#endpoint.handle(req, res);
  }
}
