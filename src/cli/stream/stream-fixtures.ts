/**
 * Recorded daemon streams and the docker CLI's output for them, for tests of
 * the renderer and of the pull/push commands: src/cli/stream/testdata/
 * <name>.jsonl and <name>.<mode>.golden (mode: plain, terminal-120,
 * terminal-80). testdata/README.md says how the goldens were captured.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The source tree's testdata, from dist/src/cli/stream/ (compiled) or src/cli/stream/. */
const TESTDATA = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../../src/cli/stream/testdata/' : './testdata/', import.meta.url));

/** A recorded JSON message stream, one message a line. */
export function streamFixture(name: string): string {
  return readFileSync(`${TESTDATA}${name}.jsonl`, 'utf8');
}

/** What docker 28.2.2 printed for that stream in `mode`. */
export function goldenOutput(name: string, mode: 'plain' | 'terminal-120' | 'terminal-80'): string {
  return readFileSync(`${TESTDATA}${name}.${mode}.golden`, 'utf8');
}
