import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { commandWord } from './root-command.js';

describe('commandWord', () => {
  it('finds the command after the global -H flag in each of its spellings', () => {
    assert.equal(commandWord(['compose', 'up', '-d']), 'compose');
    assert.equal(commandWord(['-H', 'unix:///x.sock', 'compose', 'up']), 'compose');
    assert.equal(commandWord(['--host', 'unix:///x.sock', 'ps']), 'ps');
    assert.equal(commandWord(['--host=unix:///x.sock', 'compose']), 'compose');
    assert.equal(commandWord(['-Hunix:///x.sock', 'compose']), 'compose');
  });

  it('leaves --help, --version and unknown flags before the command to the whole tree', () => {
    assert.equal(commandWord(['--help', 'compose']), undefined);
    assert.equal(commandWord(['-v']), undefined);
    assert.equal(commandWord([]), undefined);
  });
});
