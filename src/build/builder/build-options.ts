/**
 * What a build was asked for. The API edge reads it from the `/build` query
 * (src/api/types/build-query.ts).
 */
export interface BuildOptions {
  /** Path of the Dockerfile inside the context (default "Dockerfile"). */
  dockerfile: string;
  tags: string[];
  /** --build-arg values; null means "declared without a value": take it from nowhere (unset). */
  buildArgs: Map<string, string | null>;
  labels: Record<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  /** Remove intermediate containers after a successful step (default true); forceRm also after a failed one. */
  rm: boolean;
  forceRm: boolean;
  quiet: boolean;
  /** Berth: say for every rebuilt step why the cache was not used. */
  explain: boolean;
}
