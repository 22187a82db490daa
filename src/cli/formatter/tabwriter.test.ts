import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignTabs, displayWidth, type TabwriterOptions } from './tabwriter.js';

const GO_EXAMPLE: TabwriterOptions = { minWidth: 0, tabWidth: 8, padding: 1, padChar: '.' };

test('only tab-terminated cells form columns; trailing text is left alone', () => {
  // The layout from Go's tabwriter documentation.
  const text = 'aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n';
  assert.equal(alignTabs(text, GO_EXAMPLE), 'aaaa.bbb.d\naa...b...dd\na....\naa...cccc.eee\n');
});

test('minWidth and padding set the column width', () => {
  const opts: TabwriterOptions = { minWidth: 10, tabWidth: 1, padding: 3, padChar: ' ' };
  assert.equal(alignTabs('ID\tNAME\nabc\tweb\n', opts), 'ID        NAME\nabc       web\n');
  assert.equal(alignTabs('a-long-identifier\tx\n', opts), 'a-long-identifier   x\n');
});

test('text without a final newline stays without one', () => {
  assert.equal(alignTabs('a\tb', GO_EXAMPLE), 'a.b');
  assert.equal(alignTabs('', GO_EXAMPLE), '');
});

test('a form feed ends the columns and prints as a newline', () => {
  assert.equal(alignTabs('a\tb\fcccc\td\n', GO_EXAMPLE), 'a.b\ncccc.d\n');
});

test('right alignment and tab padding follow Go', () => {
  assert.equal(alignTabs('a\tb\nccc\td\n', { ...GO_EXAMPLE, alignRight: true }), '...ab\n.cccd\n');
  assert.equal(alignTabs('a\tb\nccccccccc\td\n', { minWidth: 0, tabWidth: 8, padding: 1, padChar: '\t' }), 'a\t\tb\nccccccccc\td\n');
});

test('displayWidth counts terminal columns', () => {
  assert.equal(displayWidth('abc'), 3);
  assert.equal(displayWidth('数据'), 4);
  assert.equal(displayWidth('é'), 1);
  assert.equal(displayWidth('e\u0301'), 1);
  assert.equal(displayWidth('🐳'), 2);
  assert.equal(displayWidth('a\u200bb'), 2);
});
