import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extractFlags, parseFlags } from './flags.js';

describe('extractFlags', () => {
  it('takes the leading -- words off, removing quotes and escapes', () => {
    assert.deepEqual(extractFlags(`--from=build --chown="a b":c --x=\\"y  src dst`, '\\'), {
      flags: ['--from=build', '--chown=a b:c', '--x="y'],
      rest: 'src dst',
    });
  });

  it('stops at the first word that is not a flag, and after a bare --', () => {
    assert.deepEqual(extractFlags('-v --x=1', '\\'), { flags: [], rest: '-v --x=1' });
    assert.deepEqual(extractFlags('--a -- --b c', '\\'), { flags: ['--a'], rest: '--b c' });
    assert.deepEqual(extractFlags('--a --b', '\\'), { flags: ['--a', '--b'], rest: '' });
  });

  it('uses the escape character it is given', () => {
    assert.deepEqual(extractFlags('--chown=a`:b x', '`'), { flags: ['--chown=a:b'], rest: 'x' });
  });
});

describe('parseFlags', () => {
  const spec = { link: 'bool', from: 'string', exclude: 'strings' } as const;

  it('reads bool, string and repeated flags', () => {
    const used = parseFlags(['--link', '--from=x', '--exclude=a', '--exclude=b=c'], spec);
    assert.deepEqual(Object.fromEntries(used), { link: ['true'], from: ['x'], exclude: ['a', 'b=c'] });
    assert.deepEqual(parseFlags(['--link=FALSE'], spec).get('link'), ['false']);
    assert.deepEqual(parseFlags(['--from='], spec).get('from'), ['']);
  });

  it('refuses flags in BuildKit words', () => {
    assert.throws(() => parseFlags(['--form=x'], spec), /^InvalidArgumentError: unknown flag: --form \(did you mean from\?\)$/);
    assert.throws(() => parseFlags(['--zzzzzz'], spec), /^InvalidArgumentError: unknown flag: --zzzzzz$/);
    assert.throws(() => parseFlags(['--from=a', '--from=b'], spec), /duplicate flag specified: --from/);
    assert.throws(() => parseFlags(['--link', '--link'], spec), /duplicate flag specified: --link/);
    assert.throws(() => parseFlags(['--from'], spec), /missing a value on flag: --from/);
    assert.throws(() => parseFlags(['--exclude'], spec), /missing a value on flag: --exclude/);
    assert.throws(() => parseFlags(['--link=yes'], spec), /expecting boolean value for flag --link, not: yes/);
    assert.throws(() => parseFlags(['x'], spec), /arg should start with -- : x/);
  });
});
