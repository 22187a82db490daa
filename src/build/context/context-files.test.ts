import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../errors.js';
import { tempDir } from '../../archive/tar-fixtures.js';
import { listContextFiles } from './context-files.js';
import { parseDockerignore, PatternMatcher } from './dockerignore.js';

/** Makes files (content = their name) and directories (names ending in "/"). */
function tree(root: string, names: string[]): void {
  for (const n of names) {
    const p = path.join(root, n);
    if (n.endsWith('/')) fs.mkdirSync(p, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, n);
    }
  }
}

const list = (root: string, ignore: string, keep: string[] = ['Dockerfile', '.dockerignore']): Promise<string[]> =>
  listContextFiles(root, new PatternMatcher(parseDockerignore(ignore)), keep);

describe('listing a build context', () => {
  it('lists everything, depth first with sorted names, when nothing is ignored', async (t) => {
    const root = await tempDir(t, 'berth-ctx-');
    tree(root, ['Dockerfile', 'b/2', 'b/1', 'a-c', 'a/x', 'empty/']);
    fs.symlinkSync('a/x', path.join(root, 'link'));
    fs.symlinkSync('/etc', path.join(root, 'outside'));
    assert.deepEqual(await list(root, ''), ['Dockerfile', 'a', 'a/x', 'a-c', 'b', 'b/1', 'b/2', 'empty', 'link', 'outside']);
  });

  it('skips ignored files and whole ignored directories', async (t) => {
    const root = await tempDir(t, 'berth-ctx-');
    tree(root, ['Dockerfile', 'app.js', 'debug.log', 'node_modules/x/index.js', 'src/a.log', 'src/main.js', 'temp1']);
    assert.deepEqual(await list(root, 'node_modules\n*.log\ntemp?\n'), ['Dockerfile', 'app.js', 'src', 'src/a.log', 'src/main.js']);
    assert.deepEqual(await list(root, 'node_modules\n**/*.log\n'), ['Dockerfile', 'app.js', 'src', 'src/main.js', 'temp1']);
  });

  it('walks into an excluded directory only for an exception under it', async (t) => {
    const root = await tempDir(t, 'berth-ctx-');
    tree(root, ['vendor/keep/k.go', 'vendor/drop.go', 'other/keep', 'other/x', 'main.go']);
    // "!vendor/keep" reaches into vendor (no "vendor/" entry: it stays excluded itself), "!**/keep" does not, as in moby.
    assert.deepEqual(await list(root, 'vendor\nother\n!vendor/keep\n!**/keep\n', []), ['main.go', 'vendor/keep', 'vendor/keep/k.go']);
  });

  it('re-includes a file with an exception that follows a wildcard', async (t) => {
    const root = await tempDir(t, 'berth-ctx-');
    tree(root, ['README.md', 'CHANGES.md', 'docs/guide.md', 'main.c']);
    assert.deepEqual(await list(root, '*.md\n!README.md\n', []), ['README.md', 'docs', 'docs/guide.md', 'main.c']);
    assert.deepEqual(await list(root, '**/*.md\n!README.md\n', []), ['README.md', 'docs', 'main.c']);
  });

  it('always sends the Dockerfile and .dockerignore, even from an excluded directory', async (t) => {
    const root = await tempDir(t, 'berth-ctx-');
    tree(root, ['.dockerignore', 'build/Dockerfile', 'build/other', 'src/x']);
    const ignore = '.dockerignore\nbuild\n';
    assert.deepEqual(await list(root, ignore, ['build/Dockerfile', '.dockerignore']), ['.dockerignore', 'build/Dockerfile', 'src', 'src/x']);
    assert.deepEqual(await list(root, '*\n', ['Dockerfile', '.dockerignore', '../outside']), ['.dockerignore']);
  });

  it('does not follow a symlinked directory', async (t) => {
    const root = await tempDir(t, 'berth-ctx-');
    tree(root, ['real/f']);
    fs.symlinkSync('real', path.join(root, 'alias'));
    assert.deepEqual(await list(root, 'real\n'), ['alias']);
  });

  it('fails for a missing context directory', async () => {
    await assert.rejects(list('/nonexistent/berth-ctx', ''), NotFoundError);
  });
});
