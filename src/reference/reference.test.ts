import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import {
  dockerReference,
  familiarName,
  familiarString,
  formatReference,
  isDigest,
  isFullId,
  isShortId,
  isValidTag,
  normalizeReference,
  parseNormalizedNamed,
  parseReference,
  type Reference,
} from './reference.js';

const HEX64 = 'f'.repeat(64);
const DIGEST = `sha256:${HEX64}`;

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => err instanceof InvalidArgumentError && err.message === message, message);
}

test('parseReference splits domain, path, tag and digest without adding defaults', () => {
  const cases: [string, Reference][] = [
    ['test_com', { domain: '', path: 'test_com' }],
    ['test.com:tag', { domain: '', path: 'test.com', tag: 'tag' }],
    ['test.com:5000', { domain: '', path: 'test.com', tag: '5000' }],
    ['test.com/repo:tag', { domain: 'test.com', path: 'repo', tag: 'tag' }],
    ['test:5000/repo', { domain: 'test:5000', path: 'repo' }],
    [`test:5000/repo@${DIGEST}`, { domain: 'test:5000', path: 'repo', digest: DIGEST }],
    [`test:5000/repo:tag@${DIGEST}`, { domain: 'test:5000', path: 'repo', tag: 'tag', digest: DIGEST }],
    ['lowercase:Uppercase', { domain: '', path: 'lowercase', tag: 'Uppercase' }],
    ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', { domain: 'sub-dom1.foo.com', path: 'bar/baz/quux', tag: 'some-long-tag' }],
    ['b.gcr.io/test.example.com/my-app:test.example.com', { domain: 'b.gcr.io', path: 'test.example.com/my-app', tag: 'test.example.com' }],
    ['foo/foo_bar.com:8080', { domain: 'foo', path: 'foo_bar.com', tag: '8080' }],
    ['192.168.1.1:5000/repo:5050', { domain: '192.168.1.1:5000', path: 'repo', tag: '5050' }],
    ['[2001:db8::1]:5000/repo:tag', { domain: '[2001:db8::1]:5000', path: 'repo', tag: 'tag' }],
    ['[::1]:5000/repo', { domain: '[::1]:5000', path: 'repo' }],
    [`${'a/'.repeat(127)}a:tag-puts-this-over-max`, { domain: 'a', path: `${'a/'.repeat(126)}a`, tag: 'tag-puts-this-over-max' }],
  ];
  for (const [input, expected] of cases) assert.deepEqual(parseReference(input), expected, input);
});

test('parseReference errors use distribution wording', () => {
  rejects(() => parseReference(''), 'repository name must have at least one component');
  rejects(() => parseReference(':justtag'), 'invalid reference format');
  rejects(() => parseReference(`@${DIGEST}`), 'invalid reference format');
  rejects(() => parseReference('aa/asdf$$^/aa'), 'invalid reference format');
  rejects(() => parseReference('[2001:db8::1]:5000'), 'invalid reference format');
  rejects(() => parseReference('[fe80::1%eth0]:5000/repo'), 'invalid reference format');
  rejects(() => parseReference('Uppercase:tag'), 'repository name must be lowercase');
  rejects(() => parseReference('test:5000/Uppercase/lowercase:tag'), 'repository name must be lowercase');
  rejects(() => parseReference(`domain/${'a'.repeat(256)}:tag`), 'repository name must not be more than 255 characters');
  rejects(() => parseReference(`repo@sha256:${'f'.repeat(34)}`), 'invalid checksum digest length');
  rejects(() => parseReference(`validname@invaliddigest:${HEX64}`), 'unsupported digest algorithm');
  rejects(() => parseReference(`repo@sha256:${'F'.repeat(64)}`), 'invalid checksum digest format');
  rejects(() => parseReference(`repo:${'t'.repeat(129)}`), 'invalid reference format');
});

test('normalizeReference adds docker.io, library/ and latest like docker does', () => {
  const cases: [string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['user/app', 'docker.io/user/app:latest'],
    ['docker.io/debian', 'docker.io/library/debian:latest'],
    ['index.docker.io/debian', 'docker.io/library/debian:latest'],
    ['index.docker.io/docker/docker', 'docker.io/docker/docker:latest'],
    ['localhost/debian', 'localhost/debian:latest'],
    ['localhost:5000/a/b:tag', 'localhost:5000/a/b:tag'],
    ['127.0.0.1:5000/debian', '127.0.0.1:5000/debian:latest'],
    ['LOCALDOMAIN/debian', 'LOCALDOMAIN/debian:latest'],
    ['[fc00::1]:5000/docker', '[fc00::1]:5000/docker:latest'],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`],
    [`busybox:1@${DIGEST}`, `docker.io/library/busybox:1@${DIGEST}`],
    [`docker.io/${'1a3f'.repeat(16)}`, `docker.io/library/${'1a3f'.repeat(16)}:latest`],
    ['thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', 'docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest'],
    ['docker---rules/dock__er', 'docker.io/docker---rules/dock__er:latest'],
  ];
  for (const [input, expected] of cases) assert.equal(formatReference(normalizeReference(input)), expected, input);
});

test('normalizeReference refuses what docker refuses, with its wording', () => {
  rejects(() => normalizeReference('Busybox'), 'invalid reference format: repository name (library/Busybox) must be lowercase');
  rejects(() => normalizeReference('docker/Docker'), 'invalid reference format: repository name (docker/Docker) must be lowercase');
  rejects(() => normalizeReference('localhost:5000/Foo:tag'), 'invalid reference format: repository name (Foo) must be lowercase');
  rejects(() => normalizeReference(HEX64.replace(/f/g, 'a')), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`);
  for (const bad of [
    'https://github.com/docker/docker', '-docker', '-docker/docker', 'docker///docker', 'docker.io/docker///docker',
    '[fc00::1]', '[fc00::1]:5000', 'fc00::1:5000/debian', 'docker-/docker', '____/____', '_docker/_docker',
    'dock..er/docker', 'dock_.er/docker', 'dock-.er/docker', 'docker/', '',
  ]) {
    assert.throws(() => normalizeReference(bad), InvalidArgumentError, bad);
  }
});

test('an upper-case first component is taken as a domain, as docker does', () => {
  assert.deepEqual(parseNormalizedNamed('Docker/docker'), { domain: 'Docker', path: 'docker' });
  assert.deepEqual(parseNormalizedNamed('busybox'), { domain: 'docker.io', path: 'library/busybox' });
});

test('dockerReference drops the tag when a digest is given, as a pull does', () => {
  assert.equal(formatReference(dockerReference(`busybox:1@${DIGEST}`)), `docker.io/library/busybox@${DIGEST}`);
  assert.equal(formatReference(dockerReference('busybox')), 'docker.io/library/busybox:latest');
});

test('familiar forms hide docker.io and library/ as docker images shows them', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'busybox', 'busybox:latest'],
    ['user/app:v1', 'user/app', 'user/app:v1'],
    ['library/a/b', 'library/a/b', 'library/a/b:latest'],
    ['host:5000/a/b:tag', 'host:5000/a/b', 'host:5000/a/b:tag'],
    ['localhost/x', 'localhost/x', 'localhost/x:latest'],
    [`busybox@${DIGEST}`, 'busybox', `busybox@${DIGEST}`],
  ];
  for (const [input, name, full] of cases) {
    const ref = normalizeReference(input);
    assert.equal(familiarName(ref), name, input);
    assert.equal(familiarString(ref), full, input);
  }
  assert.equal(familiarName(parseReference('plain')), 'plain');
});

test('isDigest, isShortId, isFullId and isValidTag', () => {
  assert.equal(isDigest(DIGEST), true);
  assert.equal(isDigest(`sha512:${'a'.repeat(128)}`), true);
  assert.equal(isDigest(`sha256:${'a'.repeat(63)}`), false);
  assert.equal(isDigest(`sha256:${'A'.repeat(64)}`), false);
  assert.equal(isDigest(HEX64), false);
  assert.equal(isDigest('md5:d41d8cd98f00b204e9800998ecf8427e'), false);
  assert.equal(isShortId('90e0c2b4'), true);
  assert.equal(isShortId(HEX64), true);
  assert.equal(isShortId('90E0'), false);
  assert.equal(isShortId(''), false);
  assert.equal(isShortId('busybox'), false);
  assert.equal(isFullId(HEX64), true);
  assert.equal(isFullId('90e0c2b4'), false);
  assert.equal(isValidTag('v1.2_rc-3'), true);
  assert.equal(isValidTag('.hidden'), false);
  assert.equal(isValidTag('a'.repeat(128)), true);
  assert.equal(isValidTag('a'.repeat(129)), false);
});

test('parsing a hostile long input stays fast', () => {
  const start = process.hrtime.bigint();
  for (const s of ['a-'.repeat(5000) + '!', 'a.'.repeat(5000) + '/', `${'a'.repeat(10000)}:${'b'.repeat(200)}`, '[' + ':'.repeat(10000)]) {
    assert.throws(() => parseReference(s), InvalidArgumentError);
  }
  assert.ok(process.hrtime.bigint() - start < 2_000_000_000n);
});
