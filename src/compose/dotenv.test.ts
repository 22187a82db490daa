import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDotEnv } from './dotenv.js';

const parse = (text: string, env: Record<string, string> = {}) => parseDotEnv(text, (k) => env[k], '.env');

describe('dotenv', () => {
  it('reads plain, exported, commented and blank lines', () => {
    assert.deepEqual(parse('# c\nA=1\n\nexport B = two words  # note\nC=\nD=#x\n'), { A: '1', B: 'two words', C: '', D: '' });
  });

  it('keeps single quotes literal and reads escapes in double quotes', () => {
    assert.deepEqual(parse(`A='$HOME and \\n'\nB="line1\\nline2 \\"q\\""\n`), { A: '$HOME and \\n', B: 'line1\nline2 "q"' });
  });

  it('lets quoted values span lines', () => {
    assert.deepEqual(parse('A="one\ntwo"\nB=3\n'), { A: 'one\ntwo', B: '3' });
  });

  it('interpolates against earlier lines, then the environment', () => {
    assert.deepEqual(parse('A=x\nB=${A}-$HOST\nC="${MISSING:-d}"\n', { HOST: 'h' }), { A: 'x', B: 'x-h', C: 'd' });
  });

  it('takes a bare key from the environment and drops it when unset', () => {
    assert.deepEqual(parse('HOST\nNOPE\n', { HOST: 'h' }), { HOST: 'h' });
  });

  it('refuses a bad name and an unterminated quote with the line', () => {
    assert.throws(() => parse('A=1\nBAD KEY=2\n'), /\.env:2: invalid variable name "BAD KEY"/);
    assert.throws(() => parse('A="open\n'), /\.env:1: unterminated quoted value for A/);
  });
});
