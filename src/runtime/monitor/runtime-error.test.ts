import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BerthError, NotFoundError } from '../../errors.js';
import { runtimeFailure, runtimeMessage } from './runtime-error.js';

test('takes the message out of a logrus text line, unquoting it', () => {
  const stderr =
    'time="2026-11-23T13:45:01Z" level=warning msg="something minor"\n' +
    'time="2026-11-23T13:45:01Z" level=error msg="runc create failed: unable to start container process: exec: \\"foo\\": executable file not found in $PATH"\n';
  assert.equal(
    runtimeMessage(stderr),
    'runc create failed: unable to start container process: exec: "foo": executable file not found in $PATH',
  );
});

test('takes the message out of a json log line', () => {
  assert.equal(runtimeMessage('{"level":"error","msg":"container not running","time":"x"}\n'), 'container not running');
});

test('falls back to the raw text when runc did not log', () => {
  assert.equal(runtimeMessage('flag provided but not defined: -bogus\n'), 'flag provided but not defined: -bogus');
  assert.equal(runtimeMessage(''), 'runtime failed without a message');
});

test('a command that cannot be found is NotFoundError with Docker wording', () => {
  const err = runtimeFailure(
    'level=error msg="runc create failed: unable to start container process: exec: \\"foo\\": executable file not found in $PATH"',
  );
  assert.ok(err instanceof NotFoundError);
  assert.equal(err.message, 'exec: "foo": executable file not found in $PATH');
  assert.match((err.cause as Error).message, /^runc create failed/);
  const missingPath = runtimeFailure(
    'level=error msg="runc create failed: unable to start container process: exec: \\"/bin/nope\\": stat /bin/nope: no such file or directory"',
  );
  assert.ok(missingPath instanceof NotFoundError);
  assert.equal(missingPath.message, 'exec: "/bin/nope": stat /bin/nope: no such file or directory');
});

test('other failures, even ones naming a missing file, are internal', () => {
  const err = runtimeFailure('level=error msg="runc create failed: chdir /nonexist: no such file or directory"');
  assert.ok(err instanceof BerthError && !(err instanceof NotFoundError));
  assert.equal(err.kind, 'internal');
  assert.equal(err.message, 'runc create failed: chdir /nonexist: no such file or directory');
});
