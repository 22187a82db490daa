import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpolate, interpolateTree } from './interpolate.js';

const vars: Record<string, string> = { NAME: 'web', EMPTY: '', PORT: '8080' };
const ctx = { lookup: (k: string) => vars[k] };
const run = (s: string) => interpolate(s, ctx, 'services.x.image');

describe('interpolation', () => {
  it('substitutes $VAR and ${VAR}', () => {
    assert.equal(run('$NAME:${PORT}'), 'web:8080');
    assert.equal(run('a-${NAME}-b'), 'a-web-b');
    assert.equal(run('$NAME.example'), 'web.example');
  });

  it('turns $$ into a literal $ and leaves text without $ alone', () => {
    assert.equal(run('cost $$5 and $${NAME}'), 'cost $5 and ${NAME}');
    assert.equal(run('plain'), 'plain');
  });

  it('applies defaults with and without the colon', () => {
    assert.equal(run('${MISSING:-dflt}'), 'dflt');
    assert.equal(run('${EMPTY:-dflt}'), 'dflt');
    assert.equal(run('${MISSING-dflt}'), 'dflt');
    assert.equal(run('${EMPTY-dflt}'), '');
    assert.equal(run('${NAME:-dflt}'), 'web');
    assert.equal(run('${MISSING:-${NAME:-x}-y}'), 'web-y');
  });

  it('applies alternatives with :+ and +', () => {
    assert.equal(run('${NAME:+set}'), 'set');
    assert.equal(run('${EMPTY:+set}'), '');
    assert.equal(run('${EMPTY+set}'), 'set');
    assert.equal(run('${MISSING+set}'), '');
  });

  it('fails on a missing required variable with its message', () => {
    assert.throws(() => run('${DB_PASSWORD:?set the password}'), /required variable DB_PASSWORD is missing a value: set the password/);
    assert.throws(() => run('${EMPTY:?}'), /required variable EMPTY is missing a value$/);
    assert.equal(run('${EMPTY?boom}'), '');
    assert.throws(() => run('${MISSING?boom}'), /required variable MISSING is missing a value: boom/);
    assert.equal(run('${NAME:?boom}'), 'web');
  });

  it('warns about an unset variable and uses a blank string', () => {
    const warnings: string[] = [];
    assert.equal(interpolate('x${NOPE}y', { lookup: () => undefined, warn: (m) => warnings.push(m) }, 'w'), 'xy');
    assert.deepEqual(warnings, ['the "NOPE" variable is not set, defaulting to a blank string']);
  });

  it('refuses malformed expressions, naming where they stand', () => {
    assert.throws(() => run('${NAME'), /invalid interpolation format for services\.x\.image: "\$\{NAME"/);
    assert.throws(() => run('$1'), /invalid interpolation format/);
    assert.throws(() => run('${NAME:x}'), /invalid interpolation format/);
    assert.throws(() => run('${}'), /invalid interpolation format/);
  });

  it('walks a tree: values only, with paths in errors', () => {
    const tree = { services: { web: { image: '$NAME', ports: ['${PORT}:80'], $KEY: 1 } } };
    assert.deepEqual(interpolateTree(tree, ctx, ''), { services: { web: { image: 'web', ports: ['8080:80'], $KEY: 1 } } });
    assert.throws(() => interpolateTree({ services: { web: { ports: ['${X'] } } }, ctx, ''), /services\.web\.ports\[0\]/);
  });
});
