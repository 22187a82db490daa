/**
 * What each request needs from the Authorizer, in the token spec's scope
 * terms (the distribution registry's choice): reads need `pull`; uploads and
 * manifest PUT need `pull,push` (a push client also checks what exists);
 * DELETE of a manifest or blob needs `delete`; `_catalog` needs
 * `registry:catalog:*`; `/v2/` needs only an authenticated caller. A
 * cross-repository mount also needs `pull` on the repository mounted from.
 * Cancelling an upload (DELETE on the upload URL) is part of pushing, so it
 * needs `push`, not `delete`.
 */
import type { Access } from '../auth/types.js';
import { isRepoName } from '../storage/names.js';
import type { Route } from './routes.js';

export function requiredAccess(route: Route, method: string, query: URLSearchParams): Access[] {
  switch (route.kind) {
    case 'base':
      return [];
    case 'catalog':
    case 'search': // it tells what the catalog tells
      return [{ type: 'registry', name: 'catalog', actions: ['*'] }];
    case 'tags':
    case 'referrers':
      return [pull(route.name)];
    case 'manifest':
    case 'blob':
      if (method === 'GET' || method === 'HEAD') return [pull(route.name)];
      if (method === 'DELETE') return [{ type: 'repository', name: route.name, actions: ['delete'] }];
      return [pullPush(route.name)];
    case 'uploads': {
      const wanted = [pullPush(route.name)];
      const from = query.get('from');
      if (query.get('mount') !== null && from !== null && from !== route.name && isRepoName(from)) wanted.push(pull(from));
      return wanted;
    }
    case 'upload':
      return [method === 'GET' || method === 'HEAD' ? pull(route.name) : pullPush(route.name)];
  }
}

function pull(name: string): Access {
  return { type: 'repository', name, actions: ['pull'] };
}

function pullPush(name: string): Access {
  return { type: 'repository', name, actions: ['pull', 'push'] };
}
