/**
 * The registry server's auth hook (issue 5): the types the server uses and
 * auth implements.
 *
 * Lifecycle: `berth registry serve` turns its flags into an `AuthConfig`
 * (`authConfigFromFlags`), calls `openAuthorizer(cfg)` once at start, and then
 * for every request works out the `Access` the route needs and calls
 * `authorizer.check(req, wanted)`:
 *   - `undefined` → serve the request;
 *   - otherwise send `{status, headers, body}` as it is (401 with a
 *     `WWW-Authenticate` challenge and the spec's UNAUTHORIZED error, or 403
 *     DENIED) and stop.
 * `wanted = []` is the `/v2/` base check: any authenticated caller passes.
 * When `tokenPath` is set (token mode), requests whose pathname equals it go
 * to `tokenEndpoint(req, res)` instead of the registry routes; they are never
 * passed through `check`. The authorizer re-reads the htpasswd and ACL files
 * when they change, so it holds no timers or watchers and needs no close.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One thing a request touches: `repository:<name>:<actions>` or `registry:catalog:*` in scope syntax. */
export interface Access {
  type: 'repository' | 'registry';
  /** Repository name (`library/busybox`), or `catalog` for type `registry`. */
  name: string;
  actions: Array<'pull' | 'push' | 'delete' | '*'>;
}

/** What `check` returns when the request may not go on: send it verbatim. */
export interface AuthResponse {
  status: number;
  headers: Record<string, string>;
  /** The distribution spec's error body: `{errors: [{code, message, detail}]}`. */
  body: unknown;
}

export interface Authorizer {
  readonly mode: AuthConfig['mode'];
  /** undefined = allowed; otherwise the response to send (401 with WWW-Authenticate, or 403 DENIED). */
  check(req: IncomingMessage, wanted: Access[]): Promise<AuthResponse | undefined>;
  /** Pathname the token endpoint is served on by this process (token mode only), e.g. `/token`. */
  readonly tokenPath?: string;
  /** Docker token-auth endpoint (GET with Basic + service/scope/account; POST OAuth2 form). Token mode only. */
  tokenEndpoint?(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/**
 * How the registry authenticates callers. Built from `berth registry serve` flags:
 *   --auth none|htpasswd|token      (mode; default none)
 *   --htpasswd FILE                 (htpasswd and token modes)
 *   --auth-realm NAME               (Basic realm; default "Berth Registry")
 *   --token-realm URL|PATH          (token mode: where clients fetch tokens; default /token. A path is
 *                                    served by this registry and made absolute from each request's Host,
 *                                    so random ports work; a URL is sent as it is)
 *   --token-service NAME            (token mode: the `service` and token audience; default "berth-registry")
 *   --token-issuer NAME             (token mode: `iss`; default "berth-token-issuer")
 *   --token-ttl SECONDS             (token mode: token lifetime; default 300)
 *   --acl FILE                      (optional: which users may do what; default everyone authenticated may do everything)
 *   --anonymous-pull                (let callers without credentials pull)
 */
export interface AuthConfig {
  mode: 'none' | 'htpasswd' | 'token';
  /** htpasswd file with bcrypt entries (`user:$2y$…`). Required for htpasswd and token modes. */
  htpasswd?: string;
  /** Basic realm shown in the challenge. */
  basicRealm?: string;
  /** Token mode: the realm URL sent in the Bearer challenge. */
  tokenRealm?: string;
  /** Token mode: the service name (token audience). */
  tokenService?: string;
  /** Token mode: the token issuer. */
  tokenIssuer?: string;
  /** Token mode: token lifetime in seconds. */
  tokenTtlSeconds?: number;
  /** Token mode: the registry root; the signing key is generated at first start as `<keyDir>/auth/token-signing-key.pem`. */
  keyDir?: string;
  /** Optional ACL file (see acl.ts for the format). */
  acl?: string;
  /** Callers without credentials may pull (htpasswd: requests needing only pull pass; token: the endpoint issues pull-only tokens). */
  anonymousPull?: boolean;
}

export { openAuthorizer, authConfigFromFlags } from './open-authorizer.js';
/** Route → wanted access, as distribution computes it (GET/HEAD pull; POST/PUT/PATCH pull+push; DELETE delete; `?from=` pull). */
export { accessFor, catalogAccess } from './scope.js';
export type { AuthFlags } from './open-authorizer.js';
