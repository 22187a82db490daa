/**
 * Golden-file comparison for formatter tests: expected output lives in
 * src/cli/formatter/testdata/<name>.golden (the source tree, not dist/).
 * Run with UPDATE_GOLDEN=1 to rewrite them, then review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** From dist/src/cli/formatter/ (compiled) or src/cli/formatter/ up to the repository root. */
const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../../' : '../../../', import.meta.url));

export function goldenPath(name: string): string {
  return `${ROOT}src/cli/formatter/testdata/${name}.golden`;
}

export function assertGolden(name: string, actual: string): void {
  const file = goldenPath(name);
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(file)) {
    if (process.env['UPDATE_GOLDEN'] !== '1') assert.fail(`missing golden file ${file} (run with UPDATE_GOLDEN=1)`);
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from ${file}`);
}
