import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnvFile, readEnv, resolveEnvFlag } from './env-file.js';

const lookup = (k: string): string | undefined => ({ HOME: '/root', EMPTY: '' })[k];

describe('environment from flags and env files', () => {
  it('keeps K=V lines verbatim and looks up bare names', () => {
    assert.deepEqual(parseEnvFile('\uFEFFA=1\n# note\n\n   B= spaced  \nHOME\nEMPTY\nUNSET\r\nC=x=y\n', lookup), [
      'A=1',
      'B= spaced  ',
      'HOME=/root',
      'EMPTY=',
      'C=x=y',
    ]);
  });

  it('rejects keys with whitespace or no name', () => {
    assert.throws(() => parseEnvFile('BAD KEY=1\n', lookup), { message: "variable 'BAD KEY' contains whitespaces" });
    assert.throws(() => parseEnvFile('=1\n', lookup), { message: "no variable name on line '=1'" });
  });

  it('resolves -e values like opts.ValidateEnv', () => {
    assert.equal(resolveEnvFlag('A=1', lookup), 'A=1');
    assert.equal(resolveEnvFlag('HOME', lookup), 'HOME=/root');
    assert.equal(resolveEnvFlag('UNSET', lookup), 'UNSET');
    assert.throws(() => resolveEnvFlag('=x', lookup), { message: 'invalid environment variable: =x' });
  });

  it('puts file entries before flags and reports unreadable files as Go does', () => {
    const files: Record<string, string> = { '/a.env': 'A=file\n' };
    const read = (p: string): string => {
      const text = files[p];
      if (text !== undefined) return text;
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    assert.deepEqual(readEnv(['/a.env'], ['A=flag'], lookup, read), ['A=file', 'A=flag']);
    assert.throws(() => readEnv(['/missing.env'], [], lookup, read), { message: 'open /missing.env: no such file or directory' });
  });
});
