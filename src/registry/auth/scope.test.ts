import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessFor, catalogAccess, covers, formatScope, mergeAccess, parseScope, parseScopes } from './scope.js';

test('parses a repository scope with several actions', () => {
  assert.deepEqual(parseScope('repository:library/busybox:pull,push'), {
    type: 'repository',
    name: 'library/busybox',
    actions: ['pull', 'push'],
  });
});

test('keeps colons inside the name and strips a resource class', () => {
  assert.deepEqual(parseScope('repository(plugin):host:5000/x:pull'), { type: 'repository', name: 'host:5000/x', actions: ['pull'] });
  assert.deepEqual(parseScope('registry:catalog:*'), { type: 'registry', name: 'catalog', actions: ['*'] });
});

test('refuses malformed scopes and drops unknown actions', () => {
  assert.throws(() => parseScope('repository:busybox'), /invalid scope/);
  assert.throws(() => parseScope('repository:busybox:'), /invalid scope/);
  assert.throws(() => parseScope('user:x:pull'), /invalid scope type/);
  assert.deepEqual(parseScope('repository:a:pull,fly').actions, ['pull']);
});

test('splits space-separated scopes and merges the same resource', () => {
  const got = parseScopes(['repository:a:pull repository:b:pull', 'repository:a:push']);
  assert.deepEqual(got, [
    { type: 'repository', name: 'a', actions: ['pull', 'push'] },
    { type: 'repository', name: 'b', actions: ['pull'] },
  ]);
  assert.equal(formatScope(got[0]!), 'repository:a:pull,push');
});

test('covers needs every wanted action on every wanted resource', () => {
  const granted = [{ type: 'repository' as const, name: 'a', actions: ['pull' as const] }];
  assert.equal(covers(granted, [{ type: 'repository', name: 'a', actions: ['pull'] }]), true);
  assert.equal(covers(granted, [{ type: 'repository', name: 'a', actions: ['pull', 'push'] }]), false);
  assert.equal(covers(granted, [{ type: 'repository', name: 'b', actions: ['pull'] }]), false);
  assert.equal(covers([{ type: 'repository', name: 'a', actions: ['*'] }], [{ type: 'repository', name: 'a', actions: ['delete'] }]), true);
  assert.equal(covers([], []), true);
});

test('computes route access as distribution does', () => {
  assert.deepEqual(accessFor('HEAD', 'a'), [{ type: 'repository', name: 'a', actions: ['pull'] }]);
  assert.deepEqual(accessFor('PATCH', 'a'), [{ type: 'repository', name: 'a', actions: ['pull', 'push'] }]);
  assert.deepEqual(accessFor('DELETE', 'a'), [{ type: 'repository', name: 'a', actions: ['delete'] }]);
  assert.deepEqual(accessFor('POST', 'a', 'b'), [
    { type: 'repository', name: 'a', actions: ['pull', 'push'] },
    { type: 'repository', name: 'b', actions: ['pull'] },
  ]);
  assert.deepEqual(catalogAccess(), [{ type: 'registry', name: 'catalog', actions: ['*'] }]);
  assert.deepEqual(mergeAccess([]), []);
});
