import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseNameValues } from './name-values.js';
import { expandWord, envFromList } from './shell-lex.js';

describe('parseNameValues', () => {
  it('parses name=value pairs, keeping quotes for the expander', () => {
    const pairs = parseNameValues('LABEL', 'a=1 "b c"=2');
    assert.deepEqual(pairs, [
      { key: 'a', value: '1' },
      { key: '"b c"', value: '2' },
    ]);
    assert.deepEqual(
      pairs.map((p) => [expandWord(p.key, new Map()), expandWord(p.value, new Map())]),
      [
        ['a', '1'],
        ['b c', '2'],
      ],
    );
  });

  it('splits at the first = only', () => {
    assert.deepEqual(parseNameValues('ENV', 'OPTS=--a=b'), [{ key: 'OPTS', value: '--a=b' }]);
  });

  it('reads the legacy form, the value being the rest as written', () => {
    const [pair] = parseNameValues('ENV', 'PATH $PATH:/opt/my  bin');
    assert.deepEqual(pair, { key: 'PATH', value: '$PATH:/opt/my  bin' });
    assert.equal(expandWord(pair!.value, envFromList(['PATH=/bin'])), '/bin:/opt/my  bin');
  });

  it('uses the escape character it is given when splitting', () => {
    assert.deepEqual(parseNameValues('ENV', 'A=x` y B=z', '`'), [
      { key: 'A', value: 'x` y' },
      { key: 'B', value: 'z' },
    ]);
  });

  it('refuses bad pairs, naming the instruction', () => {
    assert.throws(() => parseNameValues('ENV', ''), /^InvalidArgumentError: ENV requires at least one argument$/);
    assert.throws(() => parseNameValues('ENV', 'A'), /^InvalidArgumentError: ENV must have two arguments$/);
    assert.throws(() => parseNameValues('LABEL', 'a=1 b'), /LABEL: syntax error - can't find = in "b"/);
    assert.throws(() => parseNameValues('ENV', '=1'), /ENV names can not be blank/);
  });
});
