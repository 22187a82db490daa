import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { ConfigFile, configDir, configFilePath } from './config-file.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const mode = (p: string): number => statSync(p).mode & 0o777;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('config file location', () => {
  it('is $DOCKER_CONFIG/config.json, else ~/.docker/config.json', () => {
    assert.equal(configFilePath({ DOCKER_CONFIG: '/etc/dc', HOME: '/home/u' }), '/etc/dc/config.json');
    assert.equal(configFilePath({ HOME: '/home/u' }), '/home/u/.docker/config.json');
    assert.equal(configDir({ DOCKER_CONFIG: '', HOME: '/root' }), '/root/.docker');
  });
});

describe('ConfigFile', () => {
  it('reads a missing file as empty and creates it 0600 in a 0700 directory, in docker\'s exact format', async (t) => {
    const dir = join(tempDir(t), 'a', 'docker');
    const file = join(dir, 'config.json');
    const config = await ConfigFile.load(file);
    assert.deepEqual(config.getAuthConfig('127.0.0.1:5000'), {});
    assert.equal(await config.store({ username: 'bob', password: 'pw', serveraddress: '127.0.0.1:5000' }), true);
    // Byte for byte what `docker login -u bob -p pw 127.0.0.1:5000` (28.2.2) writes.
    assert.equal(readFileSync(file, 'utf8'), '{\n\t"auths": {\n\t\t"127.0.0.1:5000": {\n\t\t\t"auth": "Ym9iOnB3"\n\t\t}\n\t}\n}');
    assert.equal(mode(file), 0o600);
    assert.equal(mode(dir), 0o700);
  });

  it('decodes stored credentials, with serveraddress set to their key', async (t) => {
    const file = join(tempDir(t), 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        auths: {
          'reg.example': { auth: b64('bob:pa:ss') },
          'tok.example': { auth: b64('u:'), identitytoken: 'IDT' },
          'plain.example': { username: 'p', password: 'q' },
        },
      }),
    );
    const config = await ConfigFile.load(file);
    assert.deepEqual(config.getAuthConfig('reg.example'), { serveraddress: 'reg.example', username: 'bob', password: 'pa:ss' });
    assert.deepEqual(config.getAuthConfig('tok.example'), { serveraddress: 'tok.example', username: 'u', identitytoken: 'IDT' });
    assert.deepEqual(config.getAuthConfig('plain.example'), { serveraddress: 'plain.example', username: 'p', password: 'q' });
  });

  it('finds credentials older docker stored under a URL by host, as docker\'s file store does', async (t) => {
    const file = join(tempDir(t), 'config.json');
    writeFileSync(file, JSON.stringify({ auths: { 'https://h:5000/v2/': { auth: b64('o:p') } } }));
    const config = await ConfigFile.load(file);
    assert.deepEqual(config.getAuthConfig('h:5000'), { serveraddress: 'https://h:5000/v2/', username: 'o', password: 'p' });
    assert.deepEqual(config.getAuthConfig('h:5001'), {});
  });

  it('keeps every other key, their order and the file\'s mode, and sorts auths as Go sorts a map', async (t) => {
    const file = join(tempDir(t), 'config.json');
    writeFileSync(file, '{"psFormat":"table {{.ID}}","auths":{"z.example":{"auth":"eDp5"}},"plugins":{"x":{"k":"v"}},"detachKeys":"ctrl-<"}');
    chmodSync(file, 0o640);
    const config = await ConfigFile.load(file);
    await config.store({ username: 'bob', password: 'a&b', serveraddress: 'a.example' });
    assert.equal(
      readFileSync(file, 'utf8'),
      '{\n\t"psFormat": "table {{.ID}}",\n\t"auths": {\n\t\t"a.example": {\n\t\t\t"auth": "Ym9iOmEmYg=="\n\t\t},\n\t\t"z.example": {\n\t\t\t"auth": "eDp5"\n\t\t}\n\t},\n' +
        '\t"plugins": {\n\t\t"x": {\n\t\t\t"k": "v"\n\t\t}\n\t},\n\t"detachKeys": "ctrl-\\u003c"\n}',
    );
    assert.equal(mode(file), 0o640);
  });

  it('does not write credentials that are already stored', async (t) => {
    const file = join(tempDir(t), 'config.json');
    const config = await ConfigFile.load(file);
    await config.store({ username: 'bob', password: 'pw', serveraddress: 'r' });
    const before = statSync(file);
    const again = await ConfigFile.load(file);
    assert.equal(await again.store({ username: 'bob', password: 'pw', serveraddress: 'r' }), false);
    assert.equal(statSync(file).ino, before.ino);
    assert.equal(await again.store({ username: 'bob', password: 'new', serveraddress: 'r' }), true);
    assert.notEqual(statSync(file).ino, before.ino, 'a change replaces the file (temp + rename), never edits it in place');
  });

  it('is never seen half-written by a concurrent reader, and leaves no temp files', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'config.json');
    const config = await ConfigFile.load(file);
    await config.store({ username: 'u', password: 'p0', serveraddress: 'r' });
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        const text = await readFile(file, 'utf8');
        JSON.parse(text);
        reads++;
      }
    })();
    for (let i = 1; i <= 40; i++) await config.store({ username: 'u', password: `p${i}${'x'.repeat(2000)}`, serveraddress: 'r' });
    writing = false;
    await reader;
    assert.ok(reads > 0);
    assert.deepEqual(readdirSync(dir), ['config.json']);
  });

  it('writes through a symlinked config.json to its target', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'real'));
    mkdirSync(join(dir, 'docker'));
    writeFileSync(join(dir, 'real', 'config.json'), '{}', { mode: 0o600 });
    symlinkSync('../real/config.json', join(dir, 'docker', 'config.json'));
    const config = await ConfigFile.load(join(dir, 'docker', 'config.json'));
    await config.store({ username: 'u', password: 'p', serveraddress: 'r' });
    assert.ok(lstatSync(join(dir, 'docker', 'config.json')).isSymbolicLink(), 'the link stays a link');
    assert.equal(readFileSync(join(dir, 'docker', 'config.json'), 'utf8'), readFileSync(join(dir, 'real', 'config.json'), 'utf8'));
    assert.match(readFileSync(join(dir, 'real', 'config.json'), 'utf8'), /"auth": "dTpw"/);
  });

  it('erases only what is there, saving once, and leaves a file without those keys alone', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ auths: { a: { auth: 'eDp5' }, 'http://b': { auth: 'eDp5' }, c: { auth: 'eDp5' } } }));
    const config = await ConfigFile.load(file);
    assert.deepEqual(await config.erase(['b', 'http://b', 'https://b', 'a']), ['http://b', 'a']);
    assert.equal(readFileSync(file, 'utf8'), '{\n\t"auths": {\n\t\t"c": {\n\t\t\t"auth": "eDp5"\n\t\t}\n\t}\n}');
    const absent = join(dir, 'none', 'config.json');
    assert.deepEqual(await (await ConfigFile.load(absent)).erase(['x']), []);
    assert.equal(existsSync(absent), false);
  });

  it('warns about a malformed file as docker does and refuses to overwrite it', async (t) => {
    const file = join(tempDir(t), 'config.json');
    for (const bad of ['garbage', '[1]', `{"auths":{"r":{"auth":"${b64('nocolon')}"}}}`]) {
      writeFileSync(file, bad);
      const warnings: string[] = [];
      const config = await ConfigFile.load(file, (w) => warnings.push(w));
      assert.equal(warnings.length, 1);
      assert.ok(warnings[0]!.startsWith(`WARNING: Error parsing config file (${file}): `), warnings[0]);
      assert.deepEqual(config.getAuthConfig('r'), {});
      await assert.rejects(config.store({ username: 'u', password: 'p', serveraddress: 'r' }), /refusing to overwrite config file/);
      assert.equal(readFileSync(file, 'utf8'), bad);
    }
  });
});
