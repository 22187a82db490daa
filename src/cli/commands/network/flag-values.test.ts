import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyValueMap, labelProblem, linkProblem, parseCsvRecord, sortedKeys } from './flag-values.js';

describe('StringSlice values (one CSV record per use)', () => {
  it('splits on commas and keeps spaces', () => {
    assert.deepEqual(parseCsvRecord('a,b, c'), ['a', 'b', ' c']);
    assert.deepEqual(parseCsvRecord('one'), ['one']);
    assert.deepEqual(parseCsvRecord('a,,b,'), ['a', '', 'b', '']);
    assert.deepEqual(parseCsvRecord(''), []);
  });

  it('reads quoted fields, "" being a quote', () => {
    assert.deepEqual(parseCsvRecord('"a,b",c'), ['a,b', 'c']);
    assert.deepEqual(parseCsvRecord('"say ""hi"""'), ['say "hi"']);
  });

  it('refuses stray quotes as encoding/csv does', () => {
    assert.throws(() => parseCsvRecord('"a'), { message: 'parse error on line 1, column 3: extraneous or missing " in quoted-field' });
    assert.throws(() => parseCsvRecord('a"b'), { message: 'parse error on line 1, column 2: bare " in non-quoted-field' });
    assert.throws(() => parseCsvRecord('"a"b'), /extraneous or missing " in quoted-field/);
  });
});

describe('label, link and key=value values', () => {
  it('checks labels like opts.ValidateLabel', () => {
    assert.equal(labelProblem('a=b'), undefined);
    assert.equal(labelProblem('flag'), undefined);
    assert.equal(labelProblem('a=b c'), undefined, 'the value may hold spaces');
    assert.equal(labelProblem('=v'), "invalid label '=v': empty name");
    assert.equal(labelProblem('a b=1'), "label 'a b' contains whitespaces");
  });

  it('checks links like opts.ValidateLink', () => {
    assert.equal(linkProblem('db'), undefined);
    assert.equal(linkProblem('db:alias'), undefined);
    assert.equal(linkProblem('a:b:c'), 'bad format for links: a:b:c');
    assert.equal(linkProblem(''), 'empty string specified for links');
  });

  it('turns KEY=VALUE lists into maps, KEY alone meaning ""', () => {
    assert.deepEqual(keyValueMap(['a=b', 'c', 'd=e=f', 'a=z']), { a: 'z', c: '', d: 'e=f' });
    assert.deepEqual(Object.keys(sortedKeys({ b: '1', a: '2', C: '3' })), ['C', 'a', 'b']);
  });
});
