/**
 * Resolving a container's `--user` ("", "1000", "1000:1000", "name",
 * "name:group", "uid:group") to numeric ids using the image's /etc/passwd and
 * /etc/group, with the semantics of moby/sys/user `GetExecUser` that Docker
 * uses: numeric parts are never looked up as names, a name not found is an
 * error, supplementary groups come from /etc/group membership only when no
 * group was given, and the primary gid is listed first in additionalGids.
 *
 * The rootfs comes from an untrusted image: its /etc/passwd may be a symlink
 * to "/../../etc/shadow" or through a chain of symlinks. Paths are therefore
 * resolved component by component as if the rootfs were "/" (symlinks are
 * followed with the rootfs as their root, ".." stops at the rootfs), the last
 * component is opened with O_NOFOLLOW, and only regular files are read. This
 * runs before the container starts, so nothing inside the container can race
 * the walk.
 */
import { constants } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, NotFoundError, isErrno } from '../errors.js';
import type { ResolvedUser } from './spec/types.js';

export type { ResolvedUser } from './spec/types.js';

const MAX_ID = 2 ** 31 - 1;
const MAX_SYMLINKS = 255;
/** /etc/group of big images is a few hundred KiB; anything far larger is hostile. */
const MAX_USER_FILE_BYTES = 16 * 1024 * 1024;

/**
 * The host path that `unsafePath` names inside `root`, with every symlink
 * resolved within `root`. The result is always `root` or below it. Missing
 * components are kept as they are (the caller's open fails with ENOENT).
 */
export async function resolveInRoot(root: string, unsafePath: string): Promise<string> {
  const resolved: string[] = [];
  const pending = unsafePath.split('/');
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      resolved.pop(); // at the root this is a no-op: ".." of "/" is "/"
      continue;
    }
    const candidate = path.join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = (await lstat(candidate)).isSymbolicLink();
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_SYMLINKS) throw new InvalidArgumentError(`too many levels of symbolic links in ${unsafePath}`);
    const target = await readlink(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/'));
  }
  return path.join(root, ...resolved);
}

/** Reads a regular file inside `root`, or returns null if there is none. */
async function readFileInRoot(root: string, unsafePath: string): Promise<string | null> {
  const hostPath = await resolveInRoot(root, unsafePath);
  let handle;
  try {
    // O_NONBLOCK: a FIFO planted at /etc/passwd must not hang the daemon.
    handle = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR') || isErrno(err, 'ELOOP')) return null;
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return null;
    if (st.size > MAX_USER_FILE_BYTES) throw new InvalidArgumentError(`${unsafePath} in the image is too large`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

interface PasswdEntry { name: string; uid: number; gid: number }
interface GroupEntry { name: string; gid: number; members: string[] }

/** Go's strconv.Atoi on a passwd field: anything unparsable is 0. */
function atoi(s: string | undefined): number {
  return s !== undefined && /^[+-]?\d+$/.test(s) ? Number(s) : 0;
}

function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => {
    const f = l.split(':');
    return { name: f[0] ?? '', uid: atoi(f[2]), gid: atoi(f[3]) };
  });
}

function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => {
    const f = l.split(':');
    return { name: f[0] ?? '', gid: atoi(f[2]), members: f[3] ? f[3].split(',') : [] };
  });
}

/** A user or group argument: numeric ones are ids, never names. */
function parseIdArg(arg: string): number | null {
  if (!/^[+-]?\d+$/.test(arg)) return null;
  const id = Number(arg);
  if (id < 0 || id > MAX_ID) throw new InvalidArgumentError(`uids and gids must be in range 0-${MAX_ID}`);
  return id;
}

/** Resolves `user` against the image at `rootfs` (see the module comment). */
export async function resolveUser(rootfs: string, user: string): Promise<ResolvedUser> {
  const [userArg = '', groupArg = ''] = user.split(':');
  const uidArg = parseIdArg(userArg);
  const gidArg = parseIdArg(groupArg);

  const passwdText = await readFileInRoot(rootfs, '/etc/passwd');
  const groupText = await readFileInRoot(rootfs, '/etc/group');
  const passwd = passwdText === null ? [] : parsePasswd(passwdText);
  const groups = groupText === null ? [] : parseGroup(groupText);

  let uid = 0;
  let gid = 0;
  let sgids: number[] = [];
  // An empty user means "whoever uid 0 is", so root's group memberships apply.
  const match = passwd.find((u) => (userArg === '' ? u.uid === 0 : uidArg !== null ? u.uid === uidArg : u.name === userArg));
  if (match) {
    uid = match.uid;
    gid = match.gid;
  } else if (userArg !== '') {
    if (uidArg === null) {
      throw new NotFoundError(`unable to find user ${userArg}: no matching entries in passwd file`);
    }
    uid = uidArg;
  }

  if (groupArg !== '') {
    const g = groups.find((e) => (gidArg !== null ? e.gid === gidArg : e.name === groupArg));
    if (g) gid = g.gid;
    else if (gidArg !== null) gid = gidArg;
    else throw new NotFoundError(`unable to find group ${groupArg}: no matching entries in group file`);
  } else if (match) {
    // Supplementary groups only in the implicit form, as Docker.
    sgids = groups.filter((g) => g.members.includes(match.name)).map((g) => g.gid);
  }
  return { uid, gid, additionalGids: [gid, ...sgids] };
}
