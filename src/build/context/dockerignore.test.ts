import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../errors.js';
import { goClean, parseDockerignore, PatternMatcher } from './dockerignore.js';

const excluded = (patterns: string[], p: string): boolean => new PatternMatcher(patterns).matches(p);

describe('reading a .dockerignore file', () => {
  it('skips comments and blank lines, trims, cleans and drops a leading slash', () => {
    const text = '\uFEFF# comment\n\n  *.log  \r\n/abs/path\n./rel//x/\n! keep.log\n\t\ndir/../other\n  # not a comment\n';
    assert.deepEqual(parseDockerignore(text), ['*.log', 'abs/path', 'rel/x', '!keep.log', 'other', '# not a comment']);
  });

  it('keeps a lone "/" and a lone "!" (the matcher refuses the latter)', () => {
    assert.deepEqual(parseDockerignore('/\n!\n'), ['/', '!']);
    assert.throws(() => new PatternMatcher(parseDockerignore('!\n')), (err: unknown) =>
      err instanceof InvalidArgumentError && err.message === 'illegal exclusion pattern: "!"');
  });

  it('reads a last line without a newline, and climbing patterns as Go cleans them', () => {
    assert.deepEqual(parseDockerignore('a\nb'), ['a', 'b']);
    assert.deepEqual(parseDockerignore('../x\n/../y\n!/z'), ['../x', 'y', '!z']);
  });
});

describe('Go filepath.Clean', () => {
  it('cleans like Go', () => {
    const cases: Array<[string, string]> = [
      ['', '.'], ['.', '.'], ['/', '/'], ['a/', 'a'], ['a//b', 'a/b'], ['./a/./b/', 'a/b'], ['a/../..', '..'],
      ['../../a', '../../a'], ['/../a', '/a'], ['a/b/../../c', 'c'], ['!a/../b', 'b'],
    ];
    for (const [input, want] of cases) assert.equal(goClean(input), want, input);
  });
});

describe('pattern syntax (Go filepath.Match plus **)', () => {
  // moby/patternmatcher's TestMatches table.
  const table: Array<[string, string, boolean]> = [
    ['**', 'file', true], ['**', 'file/', true], ['**/', 'file', true], ['**/', 'file/', true], ['**', '/', true],
    ['**', 'dir/file', true], ['**/', 'dir/file', true], ['**/**', 'dir/file', true], ['dir/**', 'dir/file', true],
    ['dir/**', 'dir/dir2/file', true], ['**/dir', 'dir', true], ['**/dir', 'dir/file', true],
    ['**/dir2/*', 'dir/dir2/file', true], ['**/dir2/**', 'dir/dir2/dir3/file', true], ['**file', 'file', true],
    ['**file', 'dir/file', true], ['**/file', 'dir/file', true], ['**file', 'dir/dir/file', true],
    ['**/file*', 'dir/dir/file', true], ['**/file*', 'dir/dir/file.txt', true], ['**/file*txt', 'dir/dir/file.txt', true],
    ['**/file*.txt*', 'dir/dir/file.txt', true], ['**/**/*.txt', 'dir/dir/file.txt', true],
    ['**/**/*.txt2', 'dir/dir/file.txt', false], ['**/*.txt', 'file.txt', true], ['**/**/*.txt', 'file.txt', true],
    ['a**/*.txt', 'a/file.txt', true], ['a**/*.txt', 'a/dir/file.txt', true], ['a**/*.txt', 'a/dir/dir/file.txt', true],
    ['a/*.txt', 'a/dir/file.txt', false], ['a/*.txt', 'a/file.txt', true], ['a/*.txt**', 'a/file.txt', true],
    ['a[b-d]e', 'ae', false], ['a[b-d]e', 'ace', true], ['a[b-d]e', 'aae', false], ['a[^b-d]e', 'aze', true],
    ['.*', '.foo', true], ['.*', 'foo', false], ['abc.def', 'abcdef', false], ['abc.def', 'abc.def', true],
    ['abc.def', 'abcZdef', false], ['abc?def', 'abcZdef', true], ['abc?def', 'abcdef', false], ['a\\\\', 'a\\', true],
    ['**/foo/bar', 'foo/bar', true], ['**/foo/bar', 'dir/foo/bar', true], ['**/foo/bar', 'dir/dir2/foo/bar', true],
    ['abc/**', 'abc', false], ['abc/**', 'abc/def', true], ['abc/**', 'abc/def/ghi', true], ['**/.foo', '.foo', true],
    ['**/.foo', 'bar.foo', false], ['a(b)c/def', 'a(b)c/def', true], ['a(b)c/def', 'a(b)c/xyz', false],
    ['a.|)$(}+{bc', 'a.|)$(}+{bc', true],
    ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true],
  ];
  for (const [pattern, p, want] of table) {
    it(`${JSON.stringify(pattern)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(p)}`, () => {
      assert.equal(excluded([pattern], p), want);
    });
  }

  it('keeps * and ? inside one path component', () => {
    assert.equal(excluded(['*'], 'a'), true);
    assert.equal(excluded(['a*c'], 'ab/c'), false);
    assert.equal(excluded(['a?c'], 'a/c'), false);
    assert.equal(excluded(['*.go'], 'sub/x.go'), false);
  });

  it('treats escapes and classes as filepath.Match does', () => {
    assert.equal(excluded(['\\*'], '*'), true);
    assert.equal(excluded(['\\*'], 'x'), false);
    assert.equal(excluded(['[*]x'], '*x'), true);
    assert.equal(excluded(['[\\]]'], ']'), true);
    assert.equal(excluded(['[a-c][0-9]'], 'b7'), true);
    assert.equal(excluded(['[^a-c]'], 'b'), false);
    assert.equal(excluded(['\\d'], 'd'), true);
    assert.equal(excluded(['\\d'], '5'), false);
    assert.equal(excluded(['x]'], 'x]'), true);
    assert.equal(excluded(['é?'], 'éà'), true);
  });

  it('refuses patterns filepath.Match calls malformed', () => {
    for (const bad of ['[', 'a[', '[]', '[a-]', '[-a]', 'x\\', '[a', '[^]', '*[z']) {
      assert.throws(() => new PatternMatcher([bad]), (err: unknown) => err instanceof InvalidArgumentError && /syntax error in pattern/.test(err.message), bad);
    }
  });
});

describe('exclusion with parents and exceptions', () => {
  it('follows the examples of Docker\'s .dockerignore documentation', () => {
    const docs = ['*/temp*', '*/*/temp*', 'temp?'];
    assert.equal(excluded(docs, 'somedir/temporary.txt'), true);
    assert.equal(excluded(docs, 'somedir/temp'), true);
    assert.equal(excluded(docs, 'somedir/subdir/temporary.txt'), true);
    assert.equal(excluded(docs, 'tempa'), true);
    assert.equal(excluded(docs, 'tempb'), true);
    assert.equal(excluded(docs, 'temp'), false);
    assert.equal(excluded(docs, 'temporary.txt'), false);
    assert.equal(excluded(docs, 'a/b/c/temp.txt'), false);
    assert.equal(excluded(['**/*.go'], 'main.go'), true);
    assert.equal(excluded(['**/*.go'], 'cmd/tool/main.go'), true);
    assert.equal(excluded(['**/*.go'], 'go.mod'), false);
  });

  it('lets the last matching pattern win', () => {
    assert.equal(excluded(['*.md', '!README.md'], 'README.md'), false);
    assert.equal(excluded(['*.md', '!README.md'], 'CHANGES.md'), true);
    const secret = ['*.md', '!README*.md', 'README-secret.md'];
    assert.equal(excluded(secret, 'README-secret.md'), true);
    assert.equal(excluded(secret, 'README-public.md'), false);
    const reversed = ['*.md', 'README-secret.md', '!README*.md'];
    assert.equal(excluded(reversed, 'README-secret.md'), false);
    assert.equal(excluded(reversed, 'other.md'), true);
  });

  it('excludes everything beneath an excluded directory', () => {
    assert.equal(excluded(['node_modules'], 'node_modules/x/y.js'), true);
    assert.equal(excluded(['build/*'], 'build/out/a.o'), true);
    assert.equal(excluded(['build/*'], 'build'), false);
    assert.equal(excluded(['/secret'], 'secret/key'), false); // a matcher given "/secret" directly never matches
    assert.equal(excluded(parseDockerignore('/secret'), 'secret/key'), true);
  });

  it('re-includes with a directory exception', () => {
    const patterns = ['vendor', '!vendor/keep'];
    assert.equal(excluded(patterns, 'vendor/other.go'), true);
    assert.equal(excluded(patterns, 'vendor/keep'), false);
    assert.equal(excluded(patterns, 'vendor/keep/deep/file'), false);
    assert.equal(excluded(['**', '!util/docker/web'], 'util/docker/web/foo'), false);
    assert.equal(excluded(['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo'), true);
    assert.equal(excluded(['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3-py3-none-any.whl'), false);
  });

  it('gives the same answers from parent results as from scratch', () => {
    const patterns = ['a', '!a/b', 'a/b/c*', '**/*.tmp', '!keep/**', 'x/*/z'];
    const pm = new PatternMatcher(patterns);
    const paths = ['a', 'a/b', 'a/b/c1', 'a/b/d', 'a/e', 'keep', 'keep/x.tmp', 'y/x.tmp', 'x/q/z', 'x/q/z/w', 'x/q'];
    const info = new Map<string, readonly boolean[]>();
    for (const p of paths) {
      const slash = p.lastIndexOf('/');
      const r = pm.matchUsingParent(p, slash < 0 ? undefined : info.get(p.slice(0, slash)));
      info.set(p, r.info);
      assert.equal(r.excluded, pm.matches(p), p);
    }
  });

  it('says whether an excluded directory can hold an exception', () => {
    const pm = new PatternMatcher(['foo', 'bar', '!foo/keep', '!**/any']);
    assert.equal(pm.hasExceptions, true);
    assert.equal(pm.excludedDirMayHoldExceptions('foo'), true);
    assert.equal(pm.excludedDirMayHoldExceptions('bar'), false);
    assert.equal(new PatternMatcher(['foo']).excludedDirMayHoldExceptions('foo'), false);
    assert.deepEqual(pm.patterns, ['foo', 'bar', '!foo/keep', '!**/any']);
  });
});
