import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, it, type TestContext } from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import { parsePsOutput, processTable } from './process-table.js';

/** A real `sleep` process, killed after the test. */
function sleeper(t: TestContext, seconds: string): ChildProcess {
  const child = spawn('sleep', [seconds], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  t.after(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  return child;
}

describe('processTable', () => {
  it('keeps the ps -ef header and only the given processes, CMD with its spaces', async (t) => {
    const a = sleeper(t, '1001.5');
    const b = sleeper(t, '1002.5');
    sleeper(t, '1003.5'); // running, but not asked for
    const table = await processTable([a.pid!, b.pid!]);
    assert.deepEqual(table.Titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    assert.deepEqual(table.Processes.map((p) => p[1]), [String(a.pid), String(b.pid)]);
    assert.deepEqual(table.Processes.map((p) => p[7]), ['sleep 1001.5', 'sleep 1002.5']);
    assert.equal(table.Processes[0]!.length, 8);
    assert.equal(table.Processes[0]![2], String(process.pid));
  });

  it('takes other ps arguments, such as aux', async (t) => {
    const a = sleeper(t, '1004.5');
    const table = await processTable([a.pid!], 'aux');
    assert.equal(table.Titles[1], 'PID');
    assert.equal(table.Titles.at(-1), 'COMMAND');
    assert.deepEqual(table.Processes.map((p) => p.at(-1)), ['sleep 1004.5']);
  });

  it('falls back to plain ps when the arguments cannot be combined with -q (forest)', async (t) => {
    const a = sleeper(t, '1005.5');
    const table = await processTable([a.pid!], 'auxf');
    assert.equal(table.Processes.length, 1);
    assert.match(table.Processes[0]!.at(-1)!, /sleep 1005\.5$/);
  });

  it('returns no rows for no pids', async () => {
    assert.deepEqual((await processTable([])).Processes, []);
  });

  it("fails with Docker's message when the output has no PID column", async (t) => {
    const a = sleeper(t, '1006.5');
    await assert.rejects(
      processTable([a.pid!], '-o comm'),
      (e: unknown) => e instanceof InvalidArgumentError && e.message === "Couldn't find PID field in ps output",
    );
  });

  it('refuses to rename the PID column', async () => {
    await assert.rejects(processTable([1], '-o user=PID'), { message: 'specifying "user=PID" is not allowed' });
  });

  it('reports a ps error with the first line of its stderr', async () => {
    await assert.rejects(processTable([1], '--no-such-option'), /^Error: ps: /);
  });
});

describe('parsePsOutput', () => {
  it('keeps thread rows ("-" pid) that follow a kept process', () => {
    const out = ['  PID   TID CMD', '   10     - sh -c x', '    -    10 -', '    -    11 -', '   20     - other', '    -    20 -', ''].join('\n');
    assert.deepEqual(parsePsOutput(out, [10]).Processes, [
      ['10', '-', 'sh -c x'],
      ['-', '10', '-'],
      ['-', '11', '-'],
    ]);
  });
});
