/**
 * loadProject(): compose files → a validated ComposeProject, with nothing
 * touched on the engine. The steps, in compose's order:
 *
 *   1. which files (-f, $COMPOSE_FILE, else compose.yaml & co. here or above)
 *      and the project directory (--project-directory, else the first file's)
 *   2. the environment: .env of the project directory (or --env-file),
 *      under the process environment, which wins
 *   3. each file: YAML (yaml-file.ts) → interpolation (interpolate.ts) →
 *      structure (schema.ts) → one shape per field (service-shape.ts) →
 *      `extends` (extends.ts)
 *   4. the files merged in order (merge.ts)
 *   5. the project name, the active profiles, each service normalised
 *      (normalize-service.ts), networks and volumes (top-level.ts), the
 *      dependency graph checked (dependency-graph.ts)
 *
 * Every error is an InvalidArgumentError (or NotFoundError for a missing
 * file) naming the file and the key, thrown before anything is created.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { validateDependencies } from './dependency-graph.js';
import { parseDotEnv } from './dotenv.js';
import { resolveExtends, type LoadedFile } from './extends.js';
import { interpolateTree, type InterpolationContext } from './interpolate.js';
import { mergeFiles } from './merge.js';
import { normalizeService } from './normalize-service.js';
import { chooseProjectName, findDefaultFiles } from './project-name.js';
import { validateComposeFile } from './schema.js';
import { shapeFile } from './service-shape.js';
import { resolveNetworks, resolveVolumes } from './top-level.js';
import type { ComposeProject, ProjectOptions, RawMap, ServiceConfig } from './types.js';
import { readComposeFile } from './yaml-file.js';

export interface LoadResult {
  project: ComposeProject;
  /** Things worth telling the user that do not stop the load (unset variables, ignored keys). */
  warnings: string[];
}

/** The files to read, absolute, and the project directory. */
export function locateFiles(o: ProjectOptions, env: Record<string, string | undefined>): { files: string[]; workingDir: string } {
  const cwd = o.cwd ?? process.cwd();
  let files = (o.files ?? []).map((f) => path.resolve(cwd, f));
  if (files.length === 0 && env['COMPOSE_FILE'] !== undefined && env['COMPOSE_FILE'] !== '') {
    const sep = env['COMPOSE_PATH_SEPARATOR'] || ':';
    files = env['COMPOSE_FILE'].split(sep).filter((f) => f !== '').map((f) => path.resolve(cwd, f));
  }
  if (files.length === 0) files = findDefaultFiles(o.projectDirectory !== undefined ? path.resolve(cwd, o.projectDirectory) : cwd);
  const workingDir = o.projectDirectory !== undefined ? path.resolve(cwd, o.projectDirectory) : path.dirname(files[0]!);
  return { files, workingDir };
}

/** .env (or the --env-file files) parsed against the process environment. */
export function readProjectEnv(o: ProjectOptions, workingDir: string, env: Record<string, string | undefined>): Record<string, string> {
  const cwd = o.cwd ?? process.cwd();
  const explicit = (o.envFiles ?? []).map((f) => path.resolve(cwd, f));
  const files = explicit.length > 0 ? explicit : [path.join(workingDir, '.env')].filter((f) => existsSync(f));
  const values: Record<string, string> = {};
  for (const file of files) {
    if (!existsSync(file)) throw new InvalidArgumentError(`couldn't find env file: ${file}`);
    const lookup = (k: string): string | undefined => env[k] ?? values[k];
    Object.assign(values, parseDotEnv(readFileSync(file, 'utf8'), lookup, file));
  }
  const merged: Record<string, string> = { ...values };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return merged;
}

export function loadProject(o: ProjectOptions = {}): LoadResult {
  const env = o.env ?? process.env;
  const { files, workingDir } = locateFiles(o, env);
  const projectEnv = readProjectEnv(o, workingDir, env);
  const warnings = new Set<string>();
  const ctx: InterpolationContext = { lookup: (k) => projectEnv[k], warn: (m) => warnings.add(m) };

  const cache = new Map<string, LoadedFile>();
  const readOne = (file: string): LoadedFile => {
    let loaded = cache.get(file);
    if (loaded === undefined) {
      const { data } = readComposeFile(file);
      const interpolated = interpolateTree(data, ctx, '') as RawMap;
      validateComposeFile(interpolated, file);
      loaded = { path: file, data: shapeFile(interpolated) };
      cache.set(file, loaded);
    }
    return loaded;
  };
  const home = env['HOME'];
  let merged: RawMap = {};
  for (const file of files) merged = mergeFiles(merged, resolveExtends(readOne(file), readOne, home).data);

  const name = chooseProjectName({
    flag: o.projectName,
    env: projectEnv['COMPOSE_PROJECT_NAME'],
    file: merged['name'] === undefined ? undefined : String(merged['name']),
    directory: workingDir,
  });
  const profiles = o.profiles !== undefined && o.profiles.length > 0 ? o.profiles : (projectEnv['COMPOSE_PROFILES'] ?? '').split(',').filter((p) => p !== '');
  const explicit = new Set(o.services ?? []);
  const nctx = { workingDir, lookup: (k: string) => projectEnv[k], home, warn: (m: string) => warnings.add(m) };
  const services: Record<string, ServiceConfig> = {};
  const disabledServices: Record<string, ServiceConfig> = {};
  for (const [svcName, raw] of Object.entries((merged['services'] ?? {}) as RawMap)) {
    const service = normalizeService(svcName, (raw ?? {}) as RawMap, nctx);
    const own = service.profiles ?? [];
    const enabled = own.length === 0 || explicit.has(svcName) || profiles.includes('*') || own.some((p) => profiles.includes(p));
    (enabled ? services : disabledServices)[svcName] = service;
  }
  for (const s of explicit) {
    if (services[s] === undefined) throw new InvalidArgumentError(`no such service: ${s}`);
  }
  validateDependencies(services, disabledServices);
  const enabledList = Object.values(services);
  const project: ComposeProject = {
    name,
    workingDir,
    configFiles: files,
    services,
    disabledServices,
    networks: resolveNetworks(name, (merged['networks'] ?? {}) as RawMap, enabledList),
    volumes: resolveVolumes(name, (merged['volumes'] ?? {}) as RawMap, enabledList),
    environment: projectEnv,
    profiles,
  };
  return { project, warnings: [...warnings] };
}
