import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentError, FlagError } from '../cli-errors.js';
import { BerthCommand, checkArgs, exactArgs, minArgs, noArgs, normalizeArgv, rangeArgs } from './command.js';
import { intOption, listOption } from './flags.js';

function fixture(): BerthCommand {
  const root = new BerthCommand('berth').use('berth [OPTIONS] COMMAND');
  const cmd = new BerthCommand('demo')
    .use('demo [OPTIONS] NAME')
    .option('-d, --detach', 'detach')
    .option('--sig-proxy', 'proxy')
    .option('--no-sig-proxy', 'no proxy')
    .addOption(listOption('-e, --env <list>', 'env'))
    .addOption(intOption('-t, --timeout <int>', 'timeout'));
  root.addCommand(cmd);
  return cmd;
}

describe('pflag-style argv normalisation', () => {
  const cmd = fixture();
  it('turns --bool=true/false into commander spellings', () => {
    assert.deepEqual(normalizeArgv(cmd, ['--detach=true', '--sig-proxy=false', 'x']), ['--detach', '--no-sig-proxy', 'x']);
    assert.deepEqual(normalizeArgv(cmd, ['--detach=false', 'x']), ['x']);
  });

  it('reads a boolean shorthand with a value (-d=false)', () => {
    assert.deepEqual(normalizeArgv(cmd, ['-d=false', 'x']), ['x']);
    assert.deepEqual(normalizeArgv(cmd, ['-d=true', 'x']), ['--detach', 'x']);
  });

  it('splits -e=VALUE and leaves attached values alone', () => {
    assert.deepEqual(normalizeArgv(cmd, ['-e=A=1', '-eB=2', '-de', 'C=3']), ['-eA=1', '-eB=2', '-de', 'C=3']);
  });

  it('stops at the first positional and at --', () => {
    assert.deepEqual(normalizeArgv(cmd, ['name', '--detach=false']), ['name', '--detach=false']);
    assert.deepEqual(normalizeArgv(cmd, ['--', '--detach=false']), ['--', '--detach=false']);
  });

  it('does not mistake a flag value for a positional', () => {
    assert.deepEqual(normalizeArgv(cmd, ['-t', '5', '--detach=1', 'x']), ['-t', '5', '--detach', 'x']);
  });

  it('rejects a boolean value pflag would not parse', () => {
    assert.throws(() => normalizeArgv(cmd, ['--detach=maybe']), (err: unknown) =>
      err instanceof FlagError && err.message === 'invalid argument "maybe" for "-d, --detach" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
  });
});

describe('positional argument rules (docker cli/required.go)', () => {
  const cmd = fixture();
  const message = (args: string[], rule: Parameters<typeof checkArgs>[2]): string => {
    try {
      checkArgs(cmd, args, rule);
      return '';
    } catch (err) {
      assert.ok(err instanceof ArgumentError);
      return err.message;
    }
  };
  const tail = (verb: string): string => `\n\nUsage:  berth demo [OPTIONS] NAME\n\n${verb} 'berth demo --help' for more information`;

  it('accepts counts within the rule', () => {
    assert.equal(message(['a'], exactArgs(1)), '');
    assert.equal(message(['a', 'b'], minArgs(1)), '');
    assert.equal(message([], noArgs), '');
  });

  it('words each failure like docker', () => {
    assert.equal(message(['a'], noArgs), `berth: 'berth demo' accepts no arguments${tail('Run')}`);
    assert.equal(message([], exactArgs(1)), `berth: 'berth demo' requires 1 argument${tail('Run')}`);
    assert.equal(message([], exactArgs(2)), `berth: 'berth demo' requires 2 arguments${tail('Run')}`);
    assert.equal(message([], minArgs(1)), `berth: 'berth demo' requires at least 1 argument${tail('See')}`);
    assert.equal(message(['a', 'b', 'c'], rangeArgs(1, 2)), `berth: 'berth demo' requires at least 1 and at most 2 arguments${tail('Run')}`);
  });
});

describe('commander errors become docker flag errors', () => {
  async function parse(argv: string[]): Promise<unknown> {
    const cmd = fixture();
    cmd.run<unknown>(minArgs(0), async () => undefined);
    try {
      await (cmd.parent as BerthCommand).parseAsync(['demo', ...argv], { from: 'user' });
      return undefined;
    } catch (err) {
      return err;
    }
  }

  it('reports unknown long and short flags', async () => {
    const long = await parse(['--nope']);
    assert.ok(long instanceof FlagError);
    assert.equal(long.message, 'unknown flag: --nope');
    assert.deepEqual(long.command, { path: 'berth demo', usageLine: 'berth demo [OPTIONS] NAME' });
    assert.equal(((await parse(['-z'])) as Error).message, "unknown shorthand flag: 'z' in -z");
  });

  it('reports a missing flag value', async () => {
    assert.equal(((await parse(['--timeout'])) as Error).message, 'flag needs an argument: --timeout');
  });

  it('reports an invalid integer with Go wording', async () => {
    assert.equal(((await parse(['-t', 'soon'])) as Error).message, 'invalid argument "soon" for "-t, --timeout" flag: strconv.ParseInt: parsing "soon": invalid syntax');
  });
});
