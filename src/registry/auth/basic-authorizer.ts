/**
 * `--auth htpasswd`: HTTP Basic on every request, checked against the
 * htpasswd file, as distribution's htpasswd access controller does.
 *
 *   no or bad credentials  → 401 + `WWW-Authenticate: Basic realm="…"` + UNAUTHORIZED
 *   known user, ACL refuses → 403 DENIED
 *   anonymous, pull only, `anonymousPull` on → allowed (the `/v2/` check still
 *     answers 401, so clients learn the challenge and send credentials to push)
 */
import type { IncomingMessage } from 'node:http';
import type { AccessPolicy } from './access-policy.js';
import { basicChallenge, denied, parseBasicAuthorization, unauthorized } from './auth-responses.js';
import type { HtpasswdFile } from './htpasswd.js';
import { covers } from './scope.js';
import type { Access, AuthResponse, Authorizer } from './types.js';

export class BasicAuthorizer implements Authorizer {
  readonly mode = 'htpasswd' as const;
  readonly #users: HtpasswdFile;
  readonly #policy: AccessPolicy;
  readonly #realm: string;

  constructor(users: HtpasswdFile, policy: AccessPolicy, realm: string) {
    this.#users = users;
    this.#policy = policy;
    this.#realm = realm;
  }

  async check(req: IncomingMessage, wanted: Access[]): Promise<AuthResponse | undefined> {
    const creds = parseBasicAuthorization(req.headers.authorization);
    if (creds === undefined) {
      if (wanted.length > 0 && this.#policy.anonymousPull && covers(await this.#policy.grant(undefined, wanted), wanted)) {
        return undefined;
      }
      return unauthorized(basicChallenge(this.#realm), wanted);
    }
    if (!(await this.#users.verify(creds.user, creds.password))) {
      return unauthorized(basicChallenge(this.#realm), wanted, 'authentication required');
    }
    if (!covers(await this.#policy.grant(creds.user, wanted), wanted)) return denied(wanted);
    return undefined;
  }
}
