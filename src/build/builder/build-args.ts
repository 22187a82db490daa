/**
 * ARG scoping, as Docker's builder does it (moby builder/dockerfile/buildargs.go):
 *
 * - `--build-arg` values are only used by an ARG that declares them (the
 *   predefined proxy args excepted); the rest are reported unused.
 * - ARGs before the first FROM ("meta args") are visible to FROM lines, and
 *   inside a stage only after `ARG name` redeclares them (it inherits the
 *   meta value when it has no default and no --build-arg).
 * - In a stage, args are expanded into later instructions and given to RUN
 *   as environment variables, but ENV of the same name wins, and they are
 *   not kept in the image config.
 */
export const PROXY_ARGS: ReadonlySet<string> = new Set([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy',
  'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
]);

export class BuildArgs {
  readonly #provided: ReadonlyMap<string, string | null>;
  readonly #used = new Set<string>();
  readonly #meta = new Map<string, string | undefined>();

  constructor(provided: ReadonlyMap<string, string | null>) {
    this.#provided = provided;
  }

  /** The value an `ARG key[=default]` takes: --build-arg, else the default, else (in a stage) the meta arg's. */
  resolve(key: string, expandedDefault: string | undefined, inStage: boolean): string | undefined {
    const given = this.#provided.get(key);
    this.#used.add(key);
    if (given !== undefined && given !== null) return given;
    if (expandedDefault !== undefined) return expandedDefault;
    return inStage ? this.#meta.get(key) : undefined;
  }

  declareMeta(key: string, value: string | undefined): void {
    this.#meta.set(key, value);
  }

  /** Meta args with a value: the variables of FROM lines. */
  metaEnv(): Map<string, string> {
    const env = new Map<string, string>();
    for (const [k, v] of this.#meta) if (v !== undefined) env.set(k, v);
    return env;
  }

  /** Proxy args given with --build-arg: RUN sees them even when undeclared (kept out of history and cache keys). */
  proxyEnv(): Map<string, string> {
    const env = new Map<string, string>();
    for (const [k, v] of this.#provided) if (PROXY_ARGS.has(k) && v !== null) env.set(k, v);
    return env;
  }

  /** --build-arg names no ARG consumed (Docker warns about them). */
  unused(): string[] {
    return [...this.#provided.keys()].filter((k) => !this.#used.has(k) && !PROXY_ARGS.has(k)).sort();
  }
}
