/**
 * Who may do what: the answer both the Basic authorizer and the token server
 * ask for, as "of the access wanted, which part is granted to this caller".
 *
 * Without an ACL file every authenticated user may do everything (pull, push,
 * delete, catalog), as distribution's htpasswd mode does. Callers without
 * credentials get nothing unless `anonymousPull` is on, and then only pull.
 *
 * The ACL file is a few whitespace-separated lines, re-read when it changes:
 *
 *     # user      repository pattern   actions
 *     alice       *                    *
 *     bob         team/*               pull,push
 *     *           public/*             pull        (any authenticated user)
 *     anonymous   public/*             pull        (callers without credentials, with --anonymous-pull)
 *     carol       _catalog             *           (GET /v2/_catalog; a bare * pattern covers it too)
 *
 * `*` in a pattern matches any run of characters, `/` included; lines add up.
 * With an ACL file, what is not granted by a line is refused.
 */
import { InvalidArgumentError } from '../../errors.js';
import { ReloadingFile } from './reloading-file.js';
import { mergeAccess, type Action } from './scope.js';
import type { Access } from './types.js';

export const ANONYMOUS = 'anonymous';

interface AclRule {
  user: string;
  pattern: RegExp;
  /** `_catalog`: GET /v2/_catalog; a bare `*` pattern covers it too. */
  catalog: boolean;
  actions: Action[];
}

export function parseAcl(text: string): AclRule[] {
  const rules: AclRule[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const fields = line.split(/\s+/);
    if (fields.length !== 3) throw new InvalidArgumentError(`acl line ${i + 1}: expected "user pattern actions"`);
    const [user, pattern, actionList] = fields as [string, string, string];
    const actions = actionList.split(',');
    for (const a of actions) {
      if (a !== 'pull' && a !== 'push' && a !== 'delete' && a !== '*') {
        throw new InvalidArgumentError(`acl line ${i + 1}: unknown action ${a}`);
      }
    }
    rules.push({ user, pattern: globToRegExp(pattern), catalog: pattern === '_catalog' || pattern === '*', actions: actions as Action[] });
  }
  return rules;
}

export class AccessPolicy {
  readonly #acl: ReloadingFile<AclRule[]> | undefined;
  readonly #anonymousPull: boolean;

  constructor(opts: { aclFile?: string; anonymousPull?: boolean }) {
    this.#acl = opts.aclFile === undefined ? undefined : new ReloadingFile(opts.aclFile, parseAcl);
    this.#anonymousPull = opts.anonymousPull ?? false;
  }

  async open(): Promise<void> {
    await this.#acl?.open();
  }

  get anonymousPull(): boolean {
    return this.#anonymousPull;
  }

  /**
   * The part of `wanted` granted to `user` (undefined = no credentials). Every
   * wanted resource comes back, with the actions granted (possibly none).
   */
  async grant(user: string | undefined, wanted: Access[]): Promise<Access[]> {
    if (user === undefined && !this.#anonymousPull) return wanted.map((w) => ({ ...w, actions: [] }));
    const rules = this.#acl ? await this.#acl.get() : undefined;
    return mergeAccess(wanted).map((w) => {
      let allowed: Set<Action>;
      if (rules === undefined) {
        allowed = new Set<Action>(user === undefined ? ['pull'] : ['*']);
      } else {
        const name = user ?? ANONYMOUS;
        allowed = new Set();
        for (const r of rules) {
          const userMatches = r.user === name || (r.user === '*' && user !== undefined);
          const resourceMatches = w.type === 'registry' ? r.catalog && w.name === 'catalog' : r.pattern.test(w.name);
          if (userMatches && resourceMatches) for (const a of r.actions) allowed.add(a);
        }
      }
      // Anonymous callers never get more than pull, whatever a rule says.
      if (user === undefined) allowed = new Set(allowed.has('pull') || allowed.has('*') ? ['pull'] : []);
      const actions = allowed.has('*') ? [...w.actions] : w.actions.filter((a) => allowed.has(a));
      return { type: w.type, name: w.name, actions };
    });
  }
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}
