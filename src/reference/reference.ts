/**
 * Image references, parsed and normalised as Docker does (distribution/reference).
 *
 * A reference is [domain/]path[:tag][@digest]. Parsing is strict and adds
 * nothing (`parseReference`); normalising is what every docker command does
 * with what the user typed: "busybox" → docker.io/library/busybox:latest
 * (`normalizeReference`). The familiar forms drop those defaults again for
 * display ("busybox:latest", "user/app", "host:5000/a/b").
 *
 * Grammar (from distribution's regexp.go):
 *   path component  [a-z0-9]+ (separator [a-z0-9]+)*, separator . _ __ or -+
 *   domain          host[:port]: DNS-like labels, IPv4, or [IPv6]
 *   tag             [\w][\w.-]{0,127}
 *   digest          algorithm:hex (sha256 = 64 lower-case hex; sha384, sha512)
 */
import { InvalidArgumentError } from '../errors.js';

/** A parsed reference. `domain` is "" only from parseReference of a name with no domain. */
export interface Reference {
  domain: string;
  /** Repository path without the domain, e.g. "library/busybox". */
  path: string;
  tag?: string;
  digest?: string;
}

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';

const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const ANCHORED_TAG_RE = new RegExp(`^${TAG}$`);
const ANCHORED_DIGEST_RE = new RegExp(`^${DIGEST}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;

/** distribution's RepositoryNameTotalLengthMax. */
export const NAME_TOTAL_LENGTH_MAX = 255;

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';

const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** go-digest's Digest.Validate, with its error texts; undefined when valid. */
function digestError(d: string): string | undefined {
  const i = d.indexOf(':');
  if (i <= 0 || i + 1 === d.length) return 'invalid checksum digest format';
  const algorithm = d.slice(0, i);
  const encoded = d.slice(i + 1);
  const size = DIGEST_HEX_LENGTH[algorithm];
  if (size === undefined) {
    return ANCHORED_DIGEST_RE.test(d) ? 'unsupported digest algorithm' : 'invalid checksum digest format';
  }
  if (encoded.length !== size) return 'invalid checksum digest length';
  if (!/^[a-f0-9]+$/.test(encoded)) return 'invalid checksum digest format';
  return undefined;
}

/** True for a valid, supported digest: "sha256:" + 64 lower-case hex (or sha384/sha512). */
export function isDigest(s: string): boolean {
  return digestError(s) === undefined;
}

/** True for 1 to 64 lower-case hex digits: what may be an id or an id prefix. */
export function isShortId(s: string): boolean {
  return /^[a-f0-9]{1,64}$/.test(s);
}

/** True for a full 64-hex id, which Docker never accepts as a repository name. */
export function isFullId(s: string): boolean {
  return IDENTIFIER_RE.test(s);
}

/** True for a valid tag ([\w][\w.-]{0,127}). */
export function isValidTag(tag: string): boolean {
  return ANCHORED_TAG_RE.test(tag);
}

/**
 * distribution's reference.Parse: strict, no defaults added. "busybox" has
 * domain "" and path "busybox"; "docker.io/library/busybox:1" keeps all three.
 * Throws InvalidArgumentError with distribution's wording.
 */
export function parseReference(input: string): Reference {
  if (input === '') throw new InvalidArgumentError('repository name must have at least one component');
  const m = REFERENCE_RE.exec(input);
  if (m === null) {
    const lower = input.toLowerCase();
    if (lower !== input && REFERENCE_RE.test(lower)) {
      throw new InvalidArgumentError('repository name must be lowercase');
    }
    throw new InvalidArgumentError('invalid reference format');
  }
  const name = ANCHORED_NAME_RE.exec(m[1]!);
  const ref: Reference = name ? { domain: name[1] ?? '', path: name[2]! } : { domain: '', path: m[1]! };
  if (ref.path.length > NAME_TOTAL_LENGTH_MAX) {
    throw new InvalidArgumentError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  if (m[2]) ref.tag = m[2];
  if (m[3]) {
    const err = digestError(m[3]);
    if (err !== undefined) throw new InvalidArgumentError(err);
    ref.digest = m[3];
  }
  return ref;
}

/** distribution's splitDockerDomain: the docker.io and library/ defaults. */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  const maybeDomain = name.slice(0, slash);
  const maybeRemote = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (maybeDomain === LEGACY_DEFAULT_DOMAIN) {
    // Checked before the "." rule: index.docker.io is docker.io.
    [domain, remote] = [DEFAULT_DOMAIN, maybeRemote];
  } else if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    [domain, remote] = [maybeDomain, maybeRemote];
  } else {
    [domain, remote] = [DEFAULT_DOMAIN, name];
  }
  if (domain === DEFAULT_DOMAIN && !remote.includes('/')) remote = OFFICIAL_REPO_PREFIX + remote;
  return [domain, remote];
}

/**
 * distribution's ParseNormalizedNamed: domain and library/ defaults, no
 * default tag. "busybox" → docker.io/library/busybox; "localhost:5000/a".
 */
export function parseNormalizedNamed(input: string): Reference {
  if (IDENTIFIER_RE.test(input)) {
    throw new InvalidArgumentError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domain, remainder] = splitDockerDomain(input);
  const colon = remainder.indexOf(':');
  const remote = colon >= 0 ? remainder.slice(0, colon) : remainder;
  if (remote.toLowerCase() !== remote) {
    throw new InvalidArgumentError(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  return parseReference(`${domain}/${remainder}`);
}

/**
 * What docker commands do with a user's image argument: parseNormalizedNamed,
 * then tag "latest" when there is neither tag nor digest. A reference with
 * both keeps both (see dockerReference for the form that is pulled).
 */
export function normalizeReference(input: string): Reference {
  const ref = parseNormalizedNamed(input);
  if (ref.tag === undefined && ref.digest === undefined) ref.tag = DEFAULT_TAG;
  return ref;
}

/**
 * distribution's ParseDockerRef: normalizeReference, but "name:tag@digest"
 * loses its tag, since the digest alone decides what is pulled.
 */
export function dockerReference(input: string): Reference {
  const ref = normalizeReference(input);
  if (ref.tag !== undefined && ref.digest !== undefined) delete ref.tag;
  return ref;
}

/** "domain/path" (or just "path" when there is no domain). */
export function referenceName(ref: Reference): string {
  return ref.domain === '' ? ref.path : `${ref.domain}/${ref.path}`;
}

/** The full string: "docker.io/library/busybox:latest", "host:5000/a/b:t", "name@sha256:…". */
export function formatReference(ref: Reference): string {
  let s = referenceName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** The name as `docker images` shows it: "busybox", "user/app", "host:5000/a/b" (no tag). */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return referenceName(ref);
  if (ref.path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** The familiar name with tag and digest: "busybox:latest", "busybox@sha256:…". */
export function familiarString(ref: Reference): string {
  let s = familiarName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}
