import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWwwAuthenticate, pickChallenge } from './client-challenge.js';

test('parses a Bearer challenge with quoted params and several scopes', () => {
  const [c] = parseWwwAuthenticate(
    'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull,push repository:b:pull",error="insufficient_scope"',
  );
  assert.deepEqual(c, {
    scheme: 'bearer',
    params: {
      realm: 'https://auth.example/token',
      service: 'registry.example',
      scope: 'repository:a:pull,push repository:b:pull',
      error: 'insufficient_scope',
    },
  });
});

test('parses several challenges, token values, spaces and escapes', () => {
  const got = parseWwwAuthenticate('Basic realm="a \\"quoted\\" realm", charset=UTF-8, BEARER  realm = "http://x/t" , service=svc');
  assert.deepEqual(got, [
    { scheme: 'basic', params: { realm: 'a "quoted" realm', charset: 'UTF-8' } },
    { scheme: 'bearer', params: { realm: 'http://x/t', service: 'svc' } },
  ]);
  assert.equal(pickChallenge(got)?.scheme, 'bearer');
  assert.equal(pickChallenge(parseWwwAuthenticate('Basic realm="r"'))?.scheme, 'basic');
  assert.equal(pickChallenge(parseWwwAuthenticate('Negotiate')), undefined);
  assert.deepEqual(parseWwwAuthenticate(''), []);
});
