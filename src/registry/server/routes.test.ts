import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requiredAccess } from './access.js';
import { matchRoute } from './routes.js';

const D = `sha256:${'a'.repeat(64)}`;

test('matches every endpoint, with multi-component names', () => {
  assert.deepEqual(matchRoute('/v2/'), { kind: 'base' });
  assert.deepEqual(matchRoute('/v2'), { kind: 'base' });
  assert.deepEqual(matchRoute('/v2/_catalog'), { kind: 'catalog' });
  assert.deepEqual(matchRoute('/v1/search'), { kind: 'search' });
  assert.deepEqual(matchRoute('/v2/a/b/c/tags/list'), { kind: 'tags', name: 'a/b/c' });
  assert.deepEqual(matchRoute('/v2/a/b/manifests/latest'), { kind: 'manifest', name: 'a/b', reference: 'latest' });
  assert.deepEqual(matchRoute(`/v2/a/blobs/${D}`), { kind: 'blob', name: 'a', digest: D });
  assert.deepEqual(matchRoute('/v2/a/b/blobs/uploads/'), { kind: 'uploads', name: 'a/b' });
  assert.deepEqual(matchRoute('/v2/a/b/blobs/uploads/0f8fad5b-d9cb-469f-a165-70867728950e'), { kind: 'upload', name: 'a/b', id: '0f8fad5b-d9cb-469f-a165-70867728950e' });
  assert.deepEqual(matchRoute(`/v2/a/referrers/${D}`), { kind: 'referrers', name: 'a', digest: D });
  assert.equal(matchRoute('/v1/_ping'), undefined);
  assert.equal(matchRoute('/v2/a/unknown/x'), undefined);
});

test('a name may contain the words the routes use', () => {
  assert.deepEqual(matchRoute(`/v2/blobs/blobs/${D}`), { kind: 'blob', name: 'blobs', digest: D });
  assert.deepEqual(matchRoute('/v2/x/manifests/y/manifests/z'), { kind: 'manifest', name: 'x/manifests/y', reference: 'z' });
});

test('decodes percent-encoded captures (validation comes later)', () => {
  assert.deepEqual(matchRoute('/v2/a/blobs/sha256%3Aabc'), { kind: 'blob', name: 'a', digest: 'sha256:abc' });
  assert.throws(() => matchRoute('/v2/a/blobs/%zz'), URIError);
});

test('asks for pull to read, pull+push to write, delete to delete', () => {
  const q = new URLSearchParams();
  assert.deepEqual(requiredAccess({ kind: 'base' }, 'GET', q), []);
  assert.deepEqual(requiredAccess({ kind: 'catalog' }, 'GET', q), [{ type: 'registry', name: 'catalog', actions: ['*'] }]);
  assert.deepEqual(requiredAccess({ kind: 'search' }, 'GET', q), [{ type: 'registry', name: 'catalog', actions: ['*'] }]);
  assert.deepEqual(requiredAccess({ kind: 'manifest', name: 'a', reference: 't' }, 'HEAD', q), [{ type: 'repository', name: 'a', actions: ['pull'] }]);
  assert.deepEqual(requiredAccess({ kind: 'manifest', name: 'a', reference: 't' }, 'PUT', q), [{ type: 'repository', name: 'a', actions: ['pull', 'push'] }]);
  assert.deepEqual(requiredAccess({ kind: 'blob', name: 'a', digest: D }, 'DELETE', q), [{ type: 'repository', name: 'a', actions: ['delete'] }]);
  assert.deepEqual(requiredAccess({ kind: 'upload', name: 'a', id: 'x' }, 'DELETE', q), [{ type: 'repository', name: 'a', actions: ['pull', 'push'] }]);
  assert.deepEqual(requiredAccess({ kind: 'uploads', name: 'a' }, 'POST', new URLSearchParams({ mount: D, from: 'b/c' })), [
    { type: 'repository', name: 'a', actions: ['pull', 'push'] },
    { type: 'repository', name: 'b/c', actions: ['pull'] },
  ]);
});
