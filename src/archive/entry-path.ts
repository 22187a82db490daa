/**
 * Tar entry names, made safe before anything touches the disk.
 *
 * A name is cleaned the way Docker and containerd clean it: leading "/" and
 * "./" stripped, "." and ".." folded. A cleaned name that still climbs out
 * ("..", "../x") would land outside the destination and is refused, for
 * hard-link targets too. Cleaning is lexical only; what symlinks already on
 * disk do to a path is dest-resolver.ts's job.
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors.js';

/** The cleaned relative name ("" for the root itself), or an InvalidArgumentError naming the entry. */
export function cleanEntryName(name: string, entry = name): string {
  if (name.includes('\0')) throw new InvalidArgumentError(`tar entry ${JSON.stringify(entry)} has a NUL byte in its name`);
  // Rooting the name before normalize would silently clamp ".." at "/", so climbing is checked first.
  if (climbs(name)) throw new InvalidArgumentError(`tar entry ${JSON.stringify(entry)} escapes the destination`);
  const n = path.posix.normalize('/' + name).replace(/^\/+/, '').replace(/\/+$/, '');
  return n === '.' ? '' : n;
}

/** True when the relative form of name goes above its start at some point. */
function climbs(name: string): boolean {
  let depth = 0;
  for (const part of name.replace(/^\/+/, '').split('/')) {
    if (part === '..') {
      if (--depth < 0) return true;
    } else if (part !== '' && part !== '.') {
      depth++;
    }
  }
  return false;
}

/** Renames a leading path component (docker cp's RebaseArchiveEntries); other names pass unchanged. */
export function rebaseName(name: string, rebase: { from: string; to: string } | undefined): string {
  if (!rebase) return name;
  const from = cleanEntryName(rebase.from);
  const to = cleanEntryName(rebase.to);
  if (from === '') return to === '' ? name : name === '' ? to : `${to}/${name}`;
  if (name === from) return to;
  if (name.startsWith(from + '/')) return to === '' ? name.slice(from.length + 1) : to + name.slice(from.length);
  return name;
}
