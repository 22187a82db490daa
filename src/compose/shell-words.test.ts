import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitShellWords } from './shell-words.js';

describe('shell words', () => {
  it('splits on whitespace and honours quotes and escapes', () => {
    assert.deepEqual(splitShellWords(`sh -c 'echo "a b"; exit 1'`, 'w'), ['sh', '-c', 'echo "a b"; exit 1']);
    assert.deepEqual(splitShellWords(`echo "x \\"y\\" $HOME" a\\ b ''`, 'w'), ['echo', 'x "y" $HOME', 'a b', '']);
    assert.deepEqual(splitShellWords('  httpd   -f -p 80 ', 'w'), ['httpd', '-f', '-p', '80']);
  });

  it('refuses an unterminated quote', () => {
    assert.throws(() => splitShellWords(`echo 'oops`, 'services.a.command'), /services\.a\.command: unterminated quote/);
  });
});
