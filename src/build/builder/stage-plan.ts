/**
 * Which stages a build runs: the target (--target, or the last stage) and
 * the stages it needs — through `FROM <stage>` and `COPY --from=<stage or
 * index>` — in file order. Others are skipped (Docker's legacy builder runs
 * every stage up to the target; BuildKit skips as we do).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Dockerfile, Stage } from '../dockerfile/types.js';

export function planStages(df: Dockerfile, target?: string): Stage[] {
  if (df.stages.length === 0) throw new InvalidArgumentError(`${'Dockerfile'}: no build stage in current context`);
  let last = df.stages.length - 1;
  if (target !== undefined) {
    last = df.stages.findIndex((s) => s.from.stageName === target.toLowerCase());
    if (last < 0) throw new InvalidArgumentError(`failed to reach build target ${target} in Dockerfile`);
  }
  const byName = new Map<string, number>();
  df.stages.forEach((s, i) => {
    if (s.from.stageName) byName.set(s.from.stageName, i);
  });
  const needed = new Set<number>();
  const visit = (i: number) => {
    if (needed.has(i)) return;
    needed.add(i);
    const stage = df.stages[i]!;
    const base = byName.get(stage.from.image.toLowerCase());
    if (base !== undefined && base < i) visit(base);
    for (const c of stage.commands) {
      if (c.kind !== 'COPY' || c.from === undefined) continue;
      const ref = c.from.toLowerCase();
      const dep = /^\d+$/.test(ref) ? Number(ref) : byName.get(ref);
      if (dep === undefined) continue; // an image, not a stage
      if (dep >= i) throw new InvalidArgumentError(`${c.span.file}:${c.span.startLine}: COPY --from=${c.from} refers to a stage that is not built before this one`);
      visit(dep);
    }
  };
  visit(last);
  return df.stages.filter((_, i) => needed.has(i));
}
