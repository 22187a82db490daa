/**
 * Where a project's files are and what it is called, as `docker compose`
 * decides: the default file names in order, and the project name from
 * `-p`, $COMPOSE_PROJECT_NAME, the top-level `name:`, or the directory.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../errors.js';

/** compose's DefaultFileNames, first found wins. */
export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;
/** Their override companions, merged after the main file when present. */
export const DEFAULT_OVERRIDE_NAMES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yml', 'docker-compose.override.yaml'] as const;

const VALID_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** Lower-cases and drops what a project name may not hold (compose's NormalizeProjectName). */
export function normalizeProjectName(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9_-]+/g, '').replace(/^[_-]+/, '');
}

/** A name the user gave (-p, COMPOSE_PROJECT_NAME, `name:`) must already be valid. */
export function validateProjectName(name: string, source: string): string {
  if (!VALID_NAME.test(name)) {
    throw new InvalidArgumentError(
      `invalid project name ${JSON.stringify(name)} (${source}): must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
    );
  }
  return name;
}

/**
 * The default compose file of `dir`, looking in its parents as compose does;
 * with its override file when one sits beside it.
 */
export function findDefaultFiles(dir: string): string[] {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    for (const name of DEFAULT_FILE_NAMES) {
      const candidate = path.join(d, name);
      if (!existsSync(candidate)) continue;
      const override = DEFAULT_OVERRIDE_NAMES.map((n) => path.join(d, n)).find((p) => existsSync(p));
      return override === undefined ? [candidate] : [candidate, override];
    }
    if (path.dirname(d) === d) break;
  }
  throw new NotFoundError('no configuration file provided: not found');
}

export interface NameSources {
  flag?: string;
  env?: string;
  file?: string;
  directory: string;
}

/** -p, then $COMPOSE_PROJECT_NAME, then `name:`, then the project directory's name, normalised. */
export function chooseProjectName(s: NameSources): string {
  if (s.flag !== undefined && s.flag !== '') return validateProjectName(s.flag, '-p');
  if (s.env !== undefined && s.env !== '') return validateProjectName(s.env, 'COMPOSE_PROJECT_NAME');
  if (s.file !== undefined && s.file !== '') return validateProjectName(s.file, 'top-level name');
  const fromDir = normalizeProjectName(path.basename(path.resolve(s.directory)));
  if (fromDir === '') {
    throw new InvalidArgumentError(`project name must not be empty: the directory ${JSON.stringify(s.directory)} gives none, use -p`);
  }
  return fromDir;
}
