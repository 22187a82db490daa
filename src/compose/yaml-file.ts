/**
 * Reads one compose file: YAML with anchors, aliases and merge keys (`<<`),
 * and a syntax error that names the file, line and column, before anything
 * else is looked at.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { InvalidArgumentError, NotFoundError, isErrno } from '../errors.js';
import type { RawMap } from './types.js';

export interface ComposeFile {
  /** Absolute path (or a label such as "-" for stdin). */
  path: string;
  data: RawMap;
}

/** Parses compose YAML text; `path` is only used in messages. */
export function parseComposeYaml(text: string, path: string): RawMap {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = first.linePos?.[0];
    const where = pos !== undefined ? `${path}:${pos.line}:${pos.col}` : path;
    const message = first.message.split(' at line ')[0]!.replace(/\.$/, '');
    throw new InvalidArgumentError(`yaml: ${where}: ${lowerFirst(message)}`, { cause: first });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 10_000 });
  } catch (err) {
    throw new InvalidArgumentError(`yaml: ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new InvalidArgumentError(`${path}: top-level object must be a mapping`);
  return data as RawMap;
}

export function readComposeFile(path: string): ComposeFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new NotFoundError(`open ${path}: no such file or directory`, { cause: err });
    throw err;
  }
  return { path, data: parseComposeYaml(text, path) };
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}
