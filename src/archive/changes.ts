/**
 * `docker diff`: what an overlay upper directory changed relative to its
 * lower layers.
 *
 * Every path in upper is reported: A if the lower view has no such path, C
 * if it has, D for a whiteout. Directories in upper exist there only because
 * something under them changed (or they themselves did), so the "parent of a
 * change is C" rule falls out of reporting them. An opaque upper directory is
 * C (or A) and each name the lower view had in it but upper lacks is D;
 * so are the directories beneath it, which overlayfs no longer merges.
 *
 * "The lower view" is the merge of the lowers, nearest first, as overlayfs
 * shows it: a whiteout in a nearer lower hides the name in farther ones, an
 * opaque directory stops the farther ones below it, and a non-directory
 * hides whatever directories farther lowers had at that name. Opaque flags
 * of all candidate lower directories are read in one getfattr call.
 */
import { promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import { isErrno } from '../errors.js';
import { getXattrMany } from '../host/xattr.js';
import { isOpaqueValue, isWhiteoutDevice, OPAQUE_XATTR } from './whiteouts.js';

export interface Change {
  kind: 'A' | 'C' | 'D';
  /** Absolute-style path inside the container, e.g. "/etc/hosts". */
  path: string;
}

interface UpperNode {
  rel: string;
  st: Stats;
  children?: UpperNode[];
}

export async function changesFromUpper(upper: string, lowers: string[]): Promise<Change[]> {
  const root: UpperNode = { rel: '', st: await fsp.lstat(upper), children: [] };
  const dirs: UpperNode[] = [];
  await readTree(upper, root, dirs);

  // Candidate lower directories: every upper directory's path, in every lower where it is a directory.
  const candidates: string[] = [];
  for (const d of dirs) {
    for (const l of lowers) if ((await lstatOrUndefined(path.join(l, d.rel)))?.isDirectory()) candidates.push(path.join(l, d.rel));
  }
  const opaque = await opaqueSet([...dirs.map((d) => path.join(upper, d.rel)), ...candidates]);

  const changes: Change[] = [];
  // Below an opaque upper directory overlayfs consults no lower at all, so every
  // directory beneath it is opaque in effect: names the lower view had there are deleted.
  const visit = async (node: UpperNode, contributing: string[], opaqueAbove: boolean): Promise<void> => {
    const isOpaque = opaqueAbove || opaque.has(path.join(upper, node.rel));
    const below = await lowerDirsFor(node.rel, contributing, opaque);
    if (isOpaque) {
      const present = new Set(node.children!.map((c) => path.posix.basename(c.rel)));
      for (const name of await visibleNames(node.rel, below)) {
        if (!present.has(name)) changes.push({ kind: 'D', path: '/' + path.posix.join(node.rel, name) });
      }
    }
    for (const child of node.children!) {
      const p = '/' + child.rel;
      if (isWhiteoutDevice(child.st)) {
        changes.push({ kind: 'D', path: p });
        continue;
      }
      // Added or changed is judged against the lower view, opaque or not: a file rewritten in a recreated directory existed before.
      changes.push({ kind: (await existsBelow(child.rel, below)) ? 'C' : 'A', path: p });
      if (child.children) await visit(child, below, isOpaque);
    }
  };
  await visit(root, lowers, false);
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function readTree(upper: string, node: UpperNode, dirs: UpperNode[]): Promise<void> {
  dirs.push(node);
  const names = (await fsp.readdir(path.join(upper, node.rel))).sort();
  for (const name of names) {
    const rel = node.rel === '' ? name : `${node.rel}/${name}`;
    const st = await lstatOrUndefined(path.join(upper, rel));
    if (!st) continue;
    const child: UpperNode = st.isDirectory() ? { rel, st, children: [] } : { rel, st };
    node.children!.push(child);
    if (child.children) await readTree(upper, child, dirs);
  }
}

/**
 * Of the lowers contributing to rel's parent (nearest first), those that
 * contribute to rel as a directory: stop at a whiteout or non-directory, and
 * after an opaque directory.
 */
async function lowerDirsFor(rel: string, contributing: string[], opaque: Set<string>): Promise<string[]> {
  if (rel === '') {
    const out: string[] = [];
    for (const l of contributing) {
      out.push(l);
      if (opaque.has(l)) break;
    }
    return out;
  }
  const out: string[] = [];
  for (const l of contributing) {
    const p = path.join(l, rel);
    const st = await lstatOrUndefined(p);
    if (!st) continue;
    if (!st.isDirectory()) break;
    out.push(l);
    if (opaque.has(p)) break;
  }
  return out;
}

/** Whether the merged lower view has rel, given the lowers contributing to its parent. */
async function existsBelow(rel: string, contributing: string[]): Promise<boolean> {
  for (const l of contributing) {
    const st = await lstatOrUndefined(path.join(l, rel));
    if (st) return !isWhiteoutDevice(st);
  }
  return false;
}

/** Names the merged lower view shows in directory rel (whose contributing lowers are given). */
async function visibleNames(rel: string, lowers: string[]): Promise<string[]> {
  const decided = new Map<string, boolean>();
  for (const l of lowers) {
    const dir = path.join(l, rel);
    for (const name of await fsp.readdir(dir)) {
      if (decided.has(name)) continue;
      const st = await lstatOrUndefined(path.join(dir, name));
      decided.set(name, st !== undefined && !isWhiteoutDevice(st));
    }
  }
  return [...decided].filter(([, visible]) => visible).map(([name]) => name);
}

async function opaqueSet(dirs: string[]): Promise<Set<string>> {
  const values = await getXattrMany(dirs, OPAQUE_XATTR);
  return new Set([...values].filter(([, v]) => isOpaqueValue(v)).map(([p]) => p));
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fsp.lstat(p);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}
