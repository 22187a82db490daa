/**
 * Which stages a build runs, and what each waits for: the target (--target,
 * or the last stage) and the stages it needs — through `FROM <stage>` and
 * `COPY --from=<stage or index>` — in file order. Others are skipped
 * (Docker's legacy builder runs every stage up to the target; BuildKit
 * skips as we do). A stage starts once the stages it needs are built, so
 * independent stages build at the same time. A FROM or --from that names
 * its stage through a variable cannot be resolved here: such a stage waits
 * for every stage before it.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Dockerfile, Stage } from '../dockerfile/types.js';

export interface PlannedStage {
  stage: Stage;
  /** Indexes of the planned stages it needs, all before it. */
  needs: number[];
}

export function planStages(df: Dockerfile, target?: string): PlannedStage[] {
  if (df.stages.length === 0) throw new InvalidArgumentError('Dockerfile: no build stage in current context');
  let last = df.stages.length - 1;
  if (target !== undefined) {
    last = df.stages.findIndex((s) => s.from.stageName === target.toLowerCase());
    if (last < 0) throw new InvalidArgumentError(`failed to reach build target ${target} in Dockerfile`);
  }
  const byName = new Map<string, number>();
  df.stages.forEach((s, i) => {
    if (s.from.stageName) byName.set(s.from.stageName, i);
  });
  const needsOf = new Map<number, number[]>();
  const visit = (i: number) => {
    if (needsOf.has(i)) return;
    const stage = df.stages[i]!;
    const needs = new Set<number>();
    const earlier = () => Array.from({ length: i }, (_, k) => k);
    if (stage.from.image.includes('$')) earlier().forEach((k) => needs.add(k));
    const base = byName.get(stage.from.image.toLowerCase());
    if (base !== undefined && base < i) needs.add(base);
    for (const c of stage.commands) {
      if (c.kind !== 'COPY' || c.from === undefined) continue;
      if (c.from.includes('$')) {
        earlier().forEach((k) => needs.add(k));
        continue;
      }
      const ref = c.from.toLowerCase();
      const dep = /^\d+$/.test(ref) ? Number(ref) : byName.get(ref);
      if (dep === undefined) continue; // an image, not a stage
      if (dep >= i) throw new InvalidArgumentError(`${c.span.file}:${c.span.startLine}: COPY --from=${c.from} refers to a stage that is not built before this one`);
      needs.add(dep);
    }
    needsOf.set(i, [...needs].sort((a, b) => a - b));
    for (const dep of needs) visit(dep);
  };
  visit(last);
  return df.stages.flatMap((stage, i) => (needsOf.has(i) ? [{ stage, needs: needsOf.get(i)! }] : []));
}
