/**
 * The distribution API's URL space, matched once per request. Repository
 * names contain slashes, so each pattern anchors on the suffix that follows
 * the name (`/blobs/…`, `/manifests/…`); the name is the greedy rest, which
 * picks the last such suffix as the distribution registry's router does.
 * Captures are percent-decoded here and validated by the handlers
 * (storage/names.ts) before any path is built from them.
 */
export type Route =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'search' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'referrers'; name: string; digest: string };

export type RouteKind = Route['kind'];

/** Methods each route answers (HEAD goes with GET). */
export const ROUTE_METHODS: Readonly<Record<RouteKind, readonly string[]>> = {
  base: ['GET', 'HEAD'],
  catalog: ['GET', 'HEAD'],
  search: ['GET', 'HEAD'],
  tags: ['GET', 'HEAD'],
  manifest: ['GET', 'HEAD', 'PUT', 'DELETE'],
  blob: ['GET', 'HEAD', 'DELETE'],
  uploads: ['POST'],
  upload: ['GET', 'HEAD', 'PATCH', 'PUT', 'DELETE'],
  referrers: ['GET', 'HEAD'],
};

const PATTERNS: Array<[RegExp, (m: string[]) => Route]> = [
  [/^\/v2\/?$/, () => ({ kind: 'base' })],
  [/^\/v2\/_catalog\/?$/, () => ({ kind: 'catalog' })],
  // Docker Hub's v1 search, which `docker search` asks for; the spec has none (see listing-handlers.ts).
  [/^\/v1\/search\/?$/, () => ({ kind: 'search' })],
  [/^\/v2\/(.+)\/tags\/list\/?$/, (m) => ({ kind: 'tags', name: m[1]! })],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, (m) => ({ kind: 'manifest', name: m[1]!, reference: m[2]! })],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, (m) => ({ kind: 'uploads', name: m[1]! })],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, (m) => ({ kind: 'upload', name: m[1]!, id: m[2]! })],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, (m) => ({ kind: 'blob', name: m[1]!, digest: m[2]! })],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, (m) => ({ kind: 'referrers', name: m[1]!, digest: m[2]! })],
];

/** The route for a request path (without query), or undefined. Throws URIError on bad percent-encoding. */
export function matchRoute(pathname: string): Route | undefined {
  for (const [re, make] of PATTERNS) {
    const m = re.exec(pathname);
    if (m !== null) return make(m.map((part) => (part === undefined ? part : decodeURIComponent(part))));
  }
  return undefined;
}
