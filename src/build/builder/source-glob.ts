/**
 * COPY/ADD sources: a path or a Go filepath.Match pattern relative to the
 * build context (or another stage's root), resolved inside that root.
 * `..` may not climb out of it: Docker's "forbidden path outside the build
 * context". Wildcards match one path component each (`*` never crosses "/").
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../../errors.js';

const WILDCARD = /[*?[]/;

/** A source as a clean relative path ("" for the root), or the error Docker gives for one outside the root. */
export function cleanSource(src: string, instruction: string): string {
  const rel = path.posix.normalize(src.replace(/^\/+/, '') || '.');
  if (rel === '..' || rel.startsWith('../')) {
    throw new InvalidArgumentError(`${instruction} failed: forbidden path outside the build context: ${src}`);
  }
  return rel === '.' ? '' : rel.replace(/\/+$/, '');
}

/** Go's filepath.Match for one component, as a RegExp. */
export function componentRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new InvalidArgumentError(`syntax error in pattern: ${pattern}`);
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('^')) body = '^' + body.slice(1).replace(/\\/g, '\\\\');
      else body = body.replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else re += escapeRe(ch);
  }
  return new RegExp(re + '$');
}

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Expands one source against root: the matching relative paths, sorted; an error when nothing matches. */
export async function expandSource(root: string, src: string, instruction: string): Promise<string[]> {
  const rel = cleanSource(src, instruction);
  if (!WILDCARD.test(rel)) {
    try {
      await fs.lstat(path.join(root, rel));
    } catch {
      throw notFound(instruction, src);
    }
    return [rel];
  }
  let current = [''];
  for (const part of rel.split('/')) {
    const next: string[] = [];
    for (const dir of current) {
      if (!WILDCARD.test(part)) {
        const candidate = dir ? `${dir}/${part}` : part;
        if (await exists(path.join(root, candidate))) next.push(candidate);
        continue;
      }
      const re = componentRegExp(part);
      let names: string[];
      try {
        names = await fs.readdir(path.join(root, dir));
      } catch {
        continue;
      }
      for (const n of names.sort()) if (re.test(n)) next.push(dir ? `${dir}/${n}` : n);
    }
    current = next;
  }
  if (current.length === 0) throw notFound(instruction, src);
  return current;
}

function notFound(instruction: string, src: string): NotFoundError {
  return new NotFoundError(`${instruction} failed: file not found in build context or excluded by .dockerignore: stat ${src}: file does not exist`);
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}
