/**
 * Runs one operation on several containers at once and reports in argument
 * order (docker/cli container/utils.go parallelOperation): each success
 * prints the name as given, failures are gathered into one MultiError that
 * prints each on its own line (exit 1).
 */
import type { BerthCli } from '../../cli-context.js';
import { MultiError } from '../../cli-errors.js';

/** docker runs at most 50 operations at a time. */
const PARALLEL = 50;

export interface ParallelOptions {
  /** Failures to drop silently (rm -f on a missing container). */
  ignore?: (err: unknown) => boolean;
  /** What to print for a success; default the reference itself. */
  output?: (ref: string, result: unknown) => string | undefined;
}

export async function forEachContainer<T>(
  cli: BerthCli,
  refs: readonly string[],
  op: (ref: string) => Promise<T>,
  options: ParallelOptions = {},
): Promise<void> {
  const results: Promise<T>[] = new Array(refs.length);
  let next = 0;
  const slots: Promise<void>[] = [];
  const launch = (): Promise<void> => {
    if (next >= refs.length) return Promise.resolve();
    const i = next++;
    results[i] = op(refs[i]!);
    return results[i]!.then(launch, launch);
  };
  for (let i = 0; i < Math.min(PARALLEL, refs.length); i++) slots.push(launch());
  await Promise.all(slots);

  const errors: unknown[] = [];
  for (let i = 0; i < refs.length; i++) {
    try {
      const value = await results[i]!;
      const line = options.output ? options.output(refs[i]!, value) : refs[i]!;
      if (line !== undefined) cli.println(line);
    } catch (err) {
      if (options.ignore?.(err) !== true) errors.push(err);
    }
  }
  if (errors.length > 0) throw new MultiError(errors);
}
