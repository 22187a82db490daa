import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseProjectName, normalizeProjectName } from './project-name.js';

describe('project name', () => {
  it('normalises a directory name as compose does', () => {
    assert.equal(normalizeProjectName('My App.v2'), 'myappv2');
    assert.equal(normalizeProjectName('__-x_Y-z'), 'x_y-z');
    assert.equal(normalizeProjectName('...'), '');
  });

  it('prefers -p, then the environment, then the file, then the directory', () => {
    assert.equal(chooseProjectName({ flag: 'a', env: 'b', file: 'c', directory: '/x/D' }), 'a');
    assert.equal(chooseProjectName({ env: 'b', file: 'c', directory: '/x/D' }), 'b');
    assert.equal(chooseProjectName({ file: 'c', directory: '/x/D' }), 'c');
    assert.equal(chooseProjectName({ directory: '/x/Web.App' }), 'webapp');
  });

  it('refuses an invalid explicit name and an empty derived one', () => {
    assert.throws(() => chooseProjectName({ file: 'My App', directory: '/x' }), /invalid project name "My App" \(top-level name\)/);
    assert.throws(() => chooseProjectName({ flag: '-x', directory: '/x' }), /invalid project name/);
    assert.throws(() => chooseProjectName({ directory: '/x/...' }), /project name must not be empty/);
  });
});
