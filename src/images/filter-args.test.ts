import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boolFilter, matchKVList, pathMatch, validateFilters } from './filter-args.js';

const f = (o: Record<string, string[]>) => new Map(Object.entries(o));

describe('filter args', () => {
  it('refuses a key that is not accepted, naming it as moby does', () => {
    assert.throws(() => validateFilters(f({ colour: ['red'] }), ['label']), { message: "invalid filter 'colour'" });
    validateFilters(f({ label: ['a'] }), ['label']);
  });

  it('reads booleans, refusing values that are neither or both', () => {
    assert.equal(boolFilter(f({}), 'dangling', true), true);
    assert.equal(boolFilter(f({ dangling: ['1'] }), 'dangling', false), true);
    assert.equal(boolFilter(f({ dangling: ['false'] }), 'dangling', true), false);
    assert.throws(() => boolFilter(f({ dangling: ['maybe'] }), 'dangling', false), { message: "invalid filter 'dangling=[maybe]'" });
    assert.throws(() => boolFilter(f({ dangling: ['true', 'false'] }), 'dangling', false), { message: "invalid filter 'dangling=[true false]'" });
  });

  it('matches labels by key or key=value, all of them', () => {
    const labels = { a: 'b', k: 'v=w' };
    assert.equal(matchKVList(f({}), 'label', undefined), true);
    assert.equal(matchKVList(f({ label: ['a'] }), 'label', labels), true);
    assert.equal(matchKVList(f({ label: ['a=b', 'k=v=w'] }), 'label', labels), true);
    assert.equal(matchKVList(f({ label: ['a=c'] }), 'label', labels), false);
    assert.equal(matchKVList(f({ label: ['a', 'z'] }), 'label', labels), false);
    assert.equal(matchKVList(f({ label: ['a'] }), 'label', null), false);
  });

  it('globs like Go path.Match: * and ? stop at "/", classes and escapes', () => {
    assert.equal(pathMatch('busy*', 'busybox'), true);
    assert.equal(pathMatch('busy*', 'busybox:latest'), true);
    assert.equal(pathMatch('*', 'team/app'), false);
    assert.equal(pathMatch('*/*', 'team/app'), true);
    assert.equal(pathMatch('b?sybox', 'busybox'), true);
    assert.equal(pathMatch('[a-c]usybox', 'busybox'), true);
    assert.equal(pathMatch('[^a-c]usybox', 'busybox'), false);
    assert.equal(pathMatch('host:5000/*/b', 'host:5000/a/b'), true);
    assert.equal(pathMatch('a.b', 'axb'), false);
    assert.equal(pathMatch('\\*', '*'), true);
    assert.throws(() => pathMatch('[a-', 'a'), { message: 'syntax error in pattern' });
    assert.throws(() => pathMatch('x\\', 'x'), { message: 'syntax error in pattern' });
  });
});
