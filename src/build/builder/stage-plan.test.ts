import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from '../dockerfile/parser.js';
import { planStages } from './stage-plan.js';

const plan = (text: string, target?: string) =>
  planStages(parseDockerfile(text), target).map((p) => `${p.stage.index}<-[${p.needs.join(',')}]`);

test('keeps the stages the target needs, with what each waits for', () => {
  const df = 'FROM busybox AS a\nFROM busybox AS unused\nFROM a AS b\nFROM busybox AS c\nFROM busybox\nCOPY --from=b /x /x\nCOPY --from=3 /y /y\n';
  assert.deepEqual(plan(df), ['0<-[]', '2<-[0]', '3<-[]', '4<-[2,3]']);
  assert.deepEqual(plan(df, 'b'), ['0<-[]', '2<-[0]']);
  assert.throws(() => plan(df, 'nope'), /failed to reach build target nope/);
});

test('a stage named through a variable waits for every stage before it', () => {
  assert.deepEqual(plan('ARG BASE=a\nFROM busybox AS a\nFROM busybox AS b\nFROM ${BASE}\n'), ['0<-[]', '1<-[]', '2<-[0,1]']);
});

test('refuses COPY --from a stage that comes later', () => {
  assert.throws(() => plan('FROM busybox AS first\nCOPY --from=1 /x /x\nFROM busybox AS second\n', 'first'), /refers to a stage that is not built before this one/);
});
