import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../errors.js';
import { ArgumentError, CancelledError, ContainerConfigError, FlagError, MultiError, RunError, StatusError } from './cli-errors.js';
import { DaemonError, DaemonUnreachableError } from './client/daemon-error.js';
import { decideExit, runFailureStatus } from './exit-code.js';

const RUN_USAGE = { path: 'berth run', usageLine: 'berth run [OPTIONS] IMAGE [COMMAND] [ARG...]' };

describe('error → exit code and message', () => {
  it('exits with a container status as is, printing nothing', () => {
    assert.deepEqual(decideExit(new StatusError(3)), { status: 3, message: '' });
    assert.deepEqual(decideExit(new StatusError(137)), { status: 137, message: '' });
  });

  it('prints a bad flag with the usage block and exits 125', () => {
    assert.deepEqual(decideExit(new FlagError('unknown flag: --foo', RUN_USAGE)), {
      status: 125,
      message: "unknown flag: --foo\n\nUsage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'berth run --help' for more information",
    });
  });

  it('exits 1 for a wrong argument count, with the prepared message', () => {
    assert.deepEqual(decideExit(new ArgumentError("berth: 'berth run' requires at least 1 argument")), {
      status: 1,
      message: "berth: 'berth run' requires at least 1 argument",
    });
  });

  it('exits 125 for an invalid container configuration', () => {
    assert.deepEqual(decideExit(new ContainerConfigError('conflicting options: cannot specify both --restart and --rm', 'run')), {
      status: 125,
      message: "berth: conflicting options: cannot specify both --restart and --rm\n\nRun 'berth run --help' for more information",
    });
  });

  const runCases: [string, number][] = [
    ['failed to create task: exec: "nosuch": executable file not found in $PATH', 127],
    ['exec /bin/nope: no such file or directory', 127],
    ['exec /etc/passwd: permission denied', 126],
    ['exec /etc: is a directory', 126],
    ['the command cannot be executed', 126],
    ['No such image: nosuch:latest', 125],
    ['Conflict. The container name "/web" is already in use', 125],
  ];
  for (const [message, status] of runCases) {
    it(`maps a run failure "${message}" to ${status}`, () => {
      const decided = decideExit(new RunError(new DaemonError(500, message)));
      assert.equal(decided.status, status);
      assert.equal(decided.message, `berth: Error response from daemon: ${message}\n\nRun 'berth run --help' for more information`);
      assert.equal(runFailureStatus(message), status);
    });
  }

  it('prefixes daemon errors like docker and exits 1', () => {
    assert.deepEqual(decideExit(new DaemonError(404, 'No such container: web')), {
      status: 1,
      message: 'Error response from daemon: No such container: web',
    });
  });

  it('prints an unreachable daemon without the daemon prefix', () => {
    const err = new DaemonUnreachableError('Cannot connect to the Berth daemon at unix:///x.sock. Is the berth daemon running?');
    assert.deepEqual(decideExit(err), { status: 1, message: err.message });
  });

  it('prints every failure of a multi-container command on its own line', () => {
    const err = new MultiError([new DaemonError(404, 'No such container: a'), new NotFoundError('no such thing: b')]);
    assert.deepEqual(decideExit(err), {
      status: 1,
      message: 'Error response from daemon: No such container: a\nno such thing: b',
    });
  });

  it('exits 0 silently when the user declines a prompt', () => {
    assert.deepEqual(decideExit(new CancelledError('container prune has been cancelled')), { status: 0, message: '' });
  });

  it('exits 1 with the message for anything else', () => {
    assert.deepEqual(decideExit(new Error('boom')), { status: 1, message: 'boom' });
    assert.deepEqual(decideExit('text'), { status: 1, message: 'text' });
  });
});
