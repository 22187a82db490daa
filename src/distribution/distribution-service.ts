/**
 * The registry client of berthd: pull, push and login, as the Engine API's
 * `/images/create?fromImage=`, `/images/{name}/push` and `/auth` need them.
 *
 * Built once by the composition root with the daemon's stores, the
 * `--insecure-registry` rules (RegistryHosts) and kept-alive connections
 * (RegistryTransport). Each operation gets the caller's credentials (the
 * request's X-Registry-Auth) and an AbortSignal that fires when the client
 * goes away; it connects to the registry (registry-client.ts), and reports
 * progress as Docker's JSON messages to the ProgressOutput it is given.
 * Errors raised before the first progress message are plain API errors (a
 * 404 for an unknown image); later ones end the message stream.
 */
import { STATUS_CODES } from 'node:http';
import type { ContentStore } from '../content/content-store.js';
import { BerthError, NotImplementedError, PermissionDeniedError, UnauthenticatedError, UnavailableError } from '../errors.js';
import type { ImageService } from '../images/image-service.js';
import { familiarName, familiarString, referenceName, type Reference } from '../reference/reference.js';
import { credentialsFromAuthConfig, RegistryAuth, type Credentials, type RegistryAuthConfig } from '../registry/auth/client-auth.js';
import type { Snapshotter } from '../snapshots/types.js';
import { BlobSources } from './blob-sources.js';
import { pullImage } from './image-puller.js';
import { pushImage, tagsToPush } from './image-pusher.js';
import type { Platform } from './manifest-fetch.js';
import type { ProgressOutput } from './progress.js';
import { RegistryClient, RegistryTransport } from './registry-client.js';
import { DOCKER_HUB, RegistryHosts } from './registry-hosts.js';

export interface DistributionDeps {
  images: ImageService;
  content: ContentStore;
  snapshotter: Snapshotter;
  hosts: RegistryHosts;
  /** The daemon's version, for the User-Agent header. */
  version: string;
  /** Where the blob → repository memory for cross-repository mounts is kept (in memory only without). */
  sourcesFile?: string;
}

export interface TransferOptions {
  /** The request's X-Registry-Auth, decoded. */
  auth: RegistryAuthConfig;
  signal: AbortSignal;
}

export interface AuthResult {
  Status: string;
  IdentityToken: string;
}

export class DistributionService {
  readonly #deps: DistributionDeps;
  readonly #transport: RegistryTransport;
  readonly #sources: BlobSources;

  constructor(deps: DistributionDeps) {
    this.#deps = deps;
    this.#transport = new RegistryTransport(deps.version);
    this.#sources = new BlobSources(deps.sourcesFile);
  }

  /** Loads what earlier runs learnt of which repositories hold which blobs. */
  async init(): Promise<void> {
    await this.#sources.load();
  }

  /** Pulls a tag, a digest, or every tag of a bare name (`pull -a`). */
  async pull(ref: Reference, opts: TransferOptions & { platform?: Platform }, out: ProgressOutput): Promise<void> {
    const client = await this.#connect(ref.domain, opts);
    const deps = { images: this.#deps.images, content: this.#deps.content, snapshotter: this.#deps.snapshotter, sources: this.#sources };
    await pullImage(deps, client, ref, { signal: opts.signal, ...(opts.platform ? { platform: opts.platform } : {}) }, out);
    await this.#deps.images.logEvent('pull', familiarString(ref), familiarName(ref));
  }

  /** Pushes ref's tag, or every tag of its repository when it has none. */
  async push(ref: Reference, opts: TransferOptions, out: ProgressOutput): Promise<void> {
    out.message(`The push refers to repository [${referenceName(ref)}]`);
    const deps = { images: this.#deps.images, content: this.#deps.content, sources: this.#sources };
    const tags = tagsToPush(deps.images, ref);
    const client = await this.#connect(ref.domain, opts);
    await pushImage(deps, client, ref, tags, opts.signal, out);
    await this.#deps.images.logEvent('push', familiarString(ref), familiarName(ref));
  }

  /**
   * `docker login`: checks the credentials against the registry's `/v2/`
   * with its challenge (moby's loginV2). A registry that asks for nothing
   * accepts anyone, as with Docker.
   */
  async login(cfg: RegistryAuthConfig, signal: AbortSignal): Promise<AuthResult> {
    const domain = loginDomain(cfg.serveraddress);
    const creds: Credentials = credentialsFromAuthConfig(cfg) ?? {};
    const client = await RegistryClient.connect(this.#deps.hosts, domain, this.#transport, undefined, signal);
    if (client.challenge === null) return { Status: 'Login Succeeded', IdentityToken: '' };
    let answer: { authorization: string; identityToken?: string };
    try {
      answer = await new RegistryAuth(() => creds, { userAgent: this.#transport.userAgent, clientId: 'docker' }).login(client.challenge, creds);
    } catch (err) {
      // The token server refused the credentials: a 401 for the docker CLI, worded as the server said.
      if (err instanceof PermissionDeniedError) throw new UnauthenticatedError(err.message, { cause: err });
      throw err;
    }
    const url = client.urlOf('/v2/').href;
    const res = await client.request({ method: 'GET', url, scopes: [], headers: { Authorization: answer.authorization }, accept: () => true, signal });
    res.resume();
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      const message = `login attempt to ${url} failed with status: ${status} ${STATUS_CODES[status] ?? ''}`.trim();
      throw status === 401 || status === 403 ? new UnauthenticatedError(message) : new UnavailableError(message);
    }
    return { Status: 'Login Succeeded', IdentityToken: answer.identityToken ?? '' };
  }

  /**
   * `docker search`: the registry's v1 search API (`GET /v1/search?q=&n=`), which Docker Hub
   * offers and the distribution spec does not — a registry without it gets a clear error
   * instead of results. `term` may name the registry ("127.0.0.1:5000/busy").
   */
  async search(term: string, limit: number, opts: TransferOptions): Promise<SearchResult[]> {
    const { domain, query } = splitSearchTerm(term);
    const client = await this.#connect(domain, opts);
    const url = `/v1/search?q=${encodeURIComponent(query)}&n=${limit}`;
    const res = await client.request({ method: 'GET', url, scopes: ['registry:catalog:*'], accept: (st) => st === 200 || st === 404 || st === 405, ...(opts.signal ? { signal: opts.signal } : {}) });
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    if (res.statusCode !== 200) throw new NotImplementedError(`registry ${domain} does not offer search (GET /v1/search answered ${res.statusCode}); list its repositories with its /v2/_catalog instead`);
    let body: { results?: Array<{ name?: string; description?: string; star_count?: number; is_official?: boolean; is_automated?: boolean }> };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new UnavailableError(`registry ${domain} answered the search with something that is not JSON`);
    }
    return (body.results ?? []).slice(0, limit).map((r) => ({
      name: r.name ?? '',
      description: r.description ?? '',
      star_count: r.star_count ?? 0,
      is_official: !!r.is_official,
      is_automated: !!r.is_automated,
    }));
  }

  /** Drops kept-alive connections (daemon shutdown). */
  async close(): Promise<void> {
    this.#transport.close();
    await this.#sources.flush();
  }

  async #connect(domain: string, opts: TransferOptions): Promise<RegistryClient> {
    const creds = credentialsFromAuthConfig(opts.auth);
    const auth = new RegistryAuth(() => creds, { userAgent: this.#transport.userAgent, clientId: 'docker' });
    try {
      return await RegistryClient.connect(this.#deps.hosts, domain, this.#transport, auth, opts.signal);
    } catch (err) {
      if (err instanceof BerthError) throw err;
      throw new UnavailableError((err as Error).message, { cause: err });
    }
  }
}

export interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

/** "host:port/term" → that registry; a bare term searches Docker Hub (moby's ParseSearchIndexInfo). */
export function splitSearchTerm(term: string): { domain: string; query: string } {
  const slash = term.indexOf('/');
  const first = slash < 0 ? '' : term.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) return { domain: first, query: term.slice(slash + 1) };
  return { domain: DOCKER_HUB, query: term };
}

/** The registry a login names (moby's ConvertToHostname): scheme and path dropped; Docker Hub by any of its names. */
export function loginDomain(serverAddress: string | undefined): string {
  let s = (serverAddress ?? '').trim();
  if (s === '') return DOCKER_HUB;
  s = s.replace(/^https?:\/\//i, '');
  s = s.split('/')[0]!;
  if (s === 'index.docker.io' || s === 'registry-1.docker.io' || s === DOCKER_HUB) return DOCKER_HUB;
  return s;
}
