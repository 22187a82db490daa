/**
 * The image a build stage is making, step by step. Every step ends in an
 * image (as Docker's builder does): its config is the previous one changed by
 * the instruction, with one more history entry and, for RUN/COPY/ADD/WORKDIR
 * when something changed, one more layer. Those intermediate images are the
 * build cache: each records the step's cache key and has the previous step's
 * image as its parent.
 */
import type { Digest } from '../../content/digest.js';
import { DEFAULT_SHELL } from '../../images/config-instructions.js';
import type { ContainerConfigFields, Descriptor, ImageConfig } from '../../images/oci-types.js';

export interface StageState {
  /** Index and name of the stage in the Dockerfile. */
  index: number;
  name?: string;
  /** The image the last step made (undefined for FROM scratch before any step). */
  imageId?: Digest;
  config: ImageConfig;
  layers: Descriptor[];
  /** CMD was set in this stage (ENTRYPOINT then keeps it; otherwise ENTRYPOINT clears the inherited CMD). */
  cmdSet: boolean;
  /** ARGs declared in this stage, with their values (undefined: declared, no value). */
  args: Map<string, string | undefined>;
  /** The first step of this build that missed the cache in this stage, for explanations. */
  rebuiltAt?: number;
}

/** The runtime part of the config, created when absent. */
export function runConfig(state: StageState): ContainerConfigFields {
  state.config.config ??= {};
  return state.config.config;
}

export function shellOf(state: StageState): string[] {
  const shell = state.config.config?.Shell;
  return shell && shell.length > 0 ? [...shell] : [...DEFAULT_SHELL];
}

/** The variables instructions are expanded with: the image's ENV, then stage ARGs ENV does not override. */
export function expansionEnv(state: StageState): Map<string, string> {
  const env = new Map<string, string>();
  for (const [k, v] of state.args) if (v !== undefined) env.set(k, v);
  for (const e of state.config.config?.Env ?? []) {
    const i = e.indexOf('=');
    if (i > 0) env.set(e.slice(0, i), e.slice(i + 1));
  }
  return env;
}

/** Stage ARGs with a value that no ENV overrides, sorted: RUN's extra environment and its history prefix. */
export function argsForRun(state: StageState): Array<[string, string]> {
  const envKeys = new Set((state.config.config?.Env ?? []).map((e) => e.slice(0, Math.max(0, e.indexOf('=')))));
  return [...state.args]
    .filter((kv): kv is [string, string] => kv[1] !== undefined && !envKeys.has(kv[0]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
