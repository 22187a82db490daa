/**
 * For tests only: a minimal registry front on a real loopback socket that
 * asks an `Authorizer` about every request the way `berth registry serve`
 * does (route → wanted access → check → the refusal sent verbatim), and
 * answers 200 `{ok, path, authorization}` when allowed. Token mode requests
 * on the authorizer's token path go to its token endpoint.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessFor, catalogAccess } from './scope.js';
import type { Access, Authorizer } from './types.js';

export interface TestServer {
  url: string;
  host: string;
  close(): Promise<void>;
}

/** The access a /v2/ path needs (a small copy of the server's routing, enough for auth tests). */
export function wantedFor(method: string, rawUrl: string): Access[] {
  const url = new URL(rawUrl, 'http://localhost');
  if (url.pathname === '/v2/' || url.pathname === '/v2') return [];
  if (url.pathname === '/v2/_catalog') return catalogAccess();
  const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname);
  if (!m) return [];
  return accessFor(method, m[1]!, url.searchParams.get('from') ?? undefined);
}

export async function serveAuthorizer(authorizer: Authorizer): Promise<TestServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (authorizer.tokenPath !== undefined && path === authorizer.tokenPath && authorizer.tokenEndpoint) {
      await authorizer.tokenEndpoint(req, res);
      return;
    }
    const refusal = await authorizer.check(req, wantedFor(req.method ?? 'GET', req.url ?? '/'));
    req.resume();
    if (refusal) {
      res.writeHead(refusal.status, refusal.headers);
      res.end(JSON.stringify(refusal.body));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ok: true, path, authorization: req.headers.authorization ?? null }));
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
