import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { resolveInRoot, resolveUser } from './user.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'app:x:1000:1000:App:/home/app:/bin/sh',
  '',
  'web:x:33:33::/var/www:/bin/false',
].join('\n');

const GROUP = [
  'root:x:0:root',
  'bin:x:1:root,bin,daemon',
  '# a comment line',
  'wheel:x:10:root,app',
  'app:x:1000:',
  'staff:x:50:app,web',
  'www-data:x:33:',
].join('\n');

/** A temp dir holding `rootfs/` (with /etc/passwd and /etc/group unless told otherwise) and a host-side `outside/`. */
async function tempRoot(t: TestContext, files = true): Promise<{ dir: string; rootfs: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-user-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const rootfs = path.join(dir, 'rootfs');
  await mkdir(path.join(rootfs, 'etc'), { recursive: true });
  await mkdir(path.join(dir, 'outside'));
  // What an escaping symlink would reach on the host: must never be read.
  await writeFile(path.join(dir, 'outside', 'passwd'), 'evil:x:4242:4242::/:/bin/sh\n');
  if (files) {
    await writeFile(path.join(rootfs, 'etc', 'passwd'), PASSWD);
    await writeFile(path.join(rootfs, 'etc', 'group'), GROUP);
  }
  return { dir, rootfs };
}

describe('resolveUser', () => {
  it("treats an empty user as root, with root's group memberships as Docker does", async (t) => {
    const { rootfs } = await tempRoot(t);
    assert.deepEqual(await resolveUser(rootfs, ''), { uid: 0, gid: 0, additionalGids: [0, 0, 1, 10] });
  });

  it('resolves a name to its uid, primary gid and supplementary groups', async (t) => {
    const { rootfs } = await tempRoot(t);
    assert.deepEqual(await resolveUser(rootfs, 'app'), { uid: 1000, gid: 1000, additionalGids: [1000, 10, 50] });
    assert.deepEqual(await resolveUser(rootfs, 'web'), { uid: 33, gid: 33, additionalGids: [33, 50] });
  });

  it('resolves numeric uids through passwd when listed and as-is otherwise', async (t) => {
    const { rootfs } = await tempRoot(t);
    assert.deepEqual(await resolveUser(rootfs, '1000'), { uid: 1000, gid: 1000, additionalGids: [1000, 10, 50] });
    assert.deepEqual(await resolveUser(rootfs, '4321'), { uid: 4321, gid: 0, additionalGids: [0] });
    assert.deepEqual(await resolveUser(rootfs, '4321:4321'), { uid: 4321, gid: 4321, additionalGids: [4321] });
  });

  it('takes an explicit group by name or id and then adds no supplementary groups', async (t) => {
    const { rootfs } = await tempRoot(t);
    assert.deepEqual(await resolveUser(rootfs, 'app:staff'), { uid: 1000, gid: 50, additionalGids: [50] });
    assert.deepEqual(await resolveUser(rootfs, '1000:www-data'), { uid: 1000, gid: 33, additionalGids: [33] });
    assert.deepEqual(await resolveUser(rootfs, 'app:777'), { uid: 1000, gid: 777, additionalGids: [777] });
  });

  it("fails for an unknown name with Docker's wording", async (t) => {
    const { rootfs } = await tempRoot(t);
    await assert.rejects(resolveUser(rootfs, 'nobody'), (e: unknown) =>
      e instanceof NotFoundError && e.message === 'unable to find user nobody: no matching entries in passwd file');
    await assert.rejects(resolveUser(rootfs, 'app:nogroup'), {
      message: 'unable to find group nogroup: no matching entries in group file',
    });
  });

  it('rejects ids outside 0..2^31-1', async (t) => {
    const { rootfs } = await tempRoot(t);
    await assert.rejects(resolveUser(rootfs, '-1'), InvalidArgumentError);
    await assert.rejects(resolveUser(rootfs, '0:4294967296'), /uids and gids must be in range 0-2147483647/);
  });

  it('works without /etc/passwd and /etc/group for numeric users only', async (t) => {
    const { rootfs } = await tempRoot(t, false);
    assert.deepEqual(await resolveUser(rootfs, ''), { uid: 0, gid: 0, additionalGids: [0] });
    assert.deepEqual(await resolveUser(rootfs, '1000:1000'), { uid: 1000, gid: 1000, additionalGids: [1000] });
    await assert.rejects(resolveUser(rootfs, 'app'), /unable to find user app: no matching entries in passwd file/);
  });
});

describe('reading the image files safely', () => {
  it('keeps an absolute symlink with ../.. inside the rootfs', async (t) => {
    const { dir, rootfs } = await tempRoot(t, false);
    // On the host, rootfs/../outside/passwd is the "evil" file; inside the rootfs "/.." is "/".
    await symlink('/../../../outside/passwd', path.join(rootfs, 'etc', 'passwd'));
    await assert.rejects(resolveUser(rootfs, 'evil'), /unable to find user evil/);
    await mkdir(path.join(rootfs, 'outside'));
    await writeFile(path.join(rootfs, 'outside', 'passwd'), 'evil:x:7:7::/:/bin/sh\n');
    assert.deepEqual(await resolveUser(rootfs, 'evil'), { uid: 7, gid: 7, additionalGids: [7] });
    assert.equal(await resolveInRoot(rootfs, '/etc/passwd'), path.join(rootfs, 'outside', 'passwd'));
    assert.ok(!(await resolveInRoot(rootfs, '/etc/passwd')).startsWith(path.join(dir, 'outside')));
  });

  it('keeps a relative symlink that climbs above the rootfs inside it', async (t) => {
    const { rootfs } = await tempRoot(t, false);
    await symlink('../../outside/passwd', path.join(rootfs, 'etc', 'passwd'));
    assert.equal(await resolveInRoot(rootfs, '/etc/passwd'), path.join(rootfs, 'outside', 'passwd'));
    await assert.rejects(resolveUser(rootfs, 'evil'), /unable to find user evil/);
  });

  it('resolves a symlinked /etc directory and symlink chains within the rootfs', async (t) => {
    const { rootfs } = await tempRoot(t, false);
    await rm(path.join(rootfs, 'etc'), { recursive: true });
    await mkdir(path.join(rootfs, 'real', 'etc'), { recursive: true });
    await symlink('/../real/etc', path.join(rootfs, 'etc'));
    await writeFile(path.join(rootfs, 'real', 'etc', 'passwd.real'), PASSWD);
    await symlink('passwd.real', path.join(rootfs, 'real', 'etc', 'passwd'));
    await writeFile(path.join(rootfs, 'real', 'etc', 'group'), GROUP);
    assert.deepEqual(await resolveUser(rootfs, 'app'), { uid: 1000, gid: 1000, additionalGids: [1000, 10, 50] });
  });

  it('gives up on a symlink loop instead of spinning', async (t) => {
    const { rootfs } = await tempRoot(t, false);
    await symlink('/etc/loop-b', path.join(rootfs, 'etc', 'loop-a'));
    await symlink('/etc/loop-a', path.join(rootfs, 'etc', 'loop-b'));
    await symlink('/etc/loop-a', path.join(rootfs, 'etc', 'passwd'));
    await assert.rejects(resolveUser(rootfs, 'app'), /too many levels of symbolic links/);
  });

  it('treats a FIFO or a directory at /etc/passwd as no file, without blocking', async (t) => {
    const { rootfs } = await tempRoot(t, false);
    execFileSync('mkfifo', [path.join(rootfs, 'etc', 'passwd')]);
    await mkdir(path.join(rootfs, 'etc', 'group'));
    assert.deepEqual(await resolveUser(rootfs, '5:6'), { uid: 5, gid: 6, additionalGids: [6] });
    await assert.rejects(resolveUser(rootfs, 'app'), /unable to find user app/);
  });
});
