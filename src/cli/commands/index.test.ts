import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthCli } from '../cli-context.js';
import { BerthCommand } from './command.js';
import { buildProgram, GROUPS, TOP_LEVEL } from './index.js';

const program = buildProgram(new BerthCli());
const sub = (parent: BerthCommand, name: string): BerthCommand => {
  const found = parent.commands.find((c) => c.name() === name || c.aliases().includes(name));
  assert.ok(found, `${parent.name()} ${name} exists`);
  return found as BerthCommand;
};
const optionFlags = (c: BerthCommand): string[] => c.options.map((o) => o.flags).sort();

describe('command tree and aliases', () => {
  it('has the docker top-level shortcuts', () => {
    assert.deepEqual(TOP_LEVEL['run'], ['container', 'run']);
    assert.deepEqual(TOP_LEVEL['ps'], ['container', 'ls']);
    assert.deepEqual(TOP_LEVEL['images'], ['image', 'ls']);
    assert.deepEqual(TOP_LEVEL['rmi'], ['image', 'rm']);
    assert.deepEqual(TOP_LEVEL['exec'], ['container', 'exec']);
  });

  for (const [name, [object, verb]] of Object.entries(TOP_LEVEL)) {
    it(`"berth ${name}" takes the same flags as "berth ${object} ${verb}"`, () => {
      const alias = sub(program, name);
      const target = sub(sub(program, object), verb);
      assert.deepEqual(optionFlags(alias), optionFlags(target));
      assert.equal(alias.commandPath, `berth ${name}`);
      assert.ok(alias.usageLine.startsWith(`berth ${name}`), alias.usageLine);
    });
  }

  it('keeps docker subcommand aliases (container ps/list/remove, image list/remove)', () => {
    const container = sub(program, 'container');
    assert.equal(sub(container, 'ps').name(), 'ls');
    assert.equal(sub(container, 'list').name(), 'ls');
    assert.equal(sub(container, 'remove').name(), 'rm');
    assert.equal(sub(sub(program, 'image'), 'list').name(), 'ls');
  });

  it('builds every group verb under its own name', () => {
    for (const [object, group] of Object.entries(GROUPS)) {
      for (const verb of Object.keys(group.verbs)) assert.equal(sub(sub(program, object), verb).name(), verb);
    }
  });

  it('uses docker Use lines for usage errors', () => {
    assert.equal(sub(program, 'ps').usageLine, 'berth ps [OPTIONS]');
    assert.equal(sub(program, 'rmi').usageLine, 'berth rmi [OPTIONS] IMAGE [IMAGE...]');
    assert.equal(sub(sub(program, 'container'), 'run').usageLine, 'berth container run [OPTIONS] IMAGE [COMMAND] [ARG...]');
  });
});
