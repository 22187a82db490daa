/**
 * `extends`: a service starts from another one — in the same file or in
 * another — and its own keys are merged over it with the usual rules
 * (merge.ts). Bases are resolved first, so chains work; a chain that comes
 * back to itself is refused, spelled out.
 *
 * Relative paths in a service taken from another file (build context,
 * env_file, bind sources, its own extends.file) are relative to that file,
 * so they are made absolute against its directory before the merge.
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { mergeService } from './merge.js';
import { resolveBindSource } from './service-volumes.js';
import type { RawMap, ServiceVolume } from './types.js';

/** A file read, interpolated, validated and shaped. */
export interface LoadedFile {
  path: string;
  data: RawMap;
}

export type LoadFile = (absolutePath: string) => LoadedFile;

const servicesOf = (f: LoadedFile): RawMap => (f.data['services'] ?? {}) as RawMap;

function rebase(service: RawMap, dir: string, home: string | undefined): RawMap {
  const s: RawMap = { ...service };
  const build = s['build'] as RawMap | undefined;
  if (build?.['context'] !== undefined && !/^[a-z]+:\/\//.test(String(build['context']))) {
    s['build'] = { ...build, context: path.resolve(dir, String(build['context'])) };
  }
  if (Array.isArray(s['env_file'])) {
    s['env_file'] = s['env_file'].map((e) =>
      typeof e === 'string' ? path.resolve(dir, e) : { ...(e as RawMap), path: path.resolve(dir, String((e as RawMap)['path'])) },
    );
  }
  if (Array.isArray(s['volumes'])) {
    s['volumes'] = (s['volumes'] as ServiceVolume[]).map((v) =>
      v.type === 'bind' && v.source !== undefined ? { ...v, source: resolveBindSource(v.source, dir, home) } : v,
    );
  }
  const ext = s['extends'] as RawMap | undefined;
  if (ext?.['file'] !== undefined) s['extends'] = { ...ext, file: path.resolve(dir, String(ext['file'])) };
  return s;
}

/** Returns `file` with every `extends` of its services resolved (and removed). */
export function resolveExtends(file: LoadedFile, load: LoadFile, home: string | undefined): LoadedFile {
  const cache = new Map<string, RawMap>();

  const resolve = (f: LoadedFile, name: string, chain: string[]): RawMap => {
    const id = `${f.path}#${name}`;
    const cached = cache.get(id);
    if (cached !== undefined) return cached;
    if (chain.includes(id)) {
      const names = [...chain.slice(chain.indexOf(id)), id].map((c) => c.split('#')[1]);
      throw new InvalidArgumentError(`circular extends: ${names.join(' → ')}`);
    }
    const service = servicesOf(f)[name] as RawMap | undefined;
    if (service === undefined) throw new InvalidArgumentError(`cannot extend service ${JSON.stringify(name)} in ${f.path}: service not found`);
    const ext = service['extends'] as RawMap | undefined;
    let result: RawMap;
    if (ext === undefined) {
      result = service;
    } else {
      const baseName = String(ext['service'] ?? '');
      if (baseName === '') throw new InvalidArgumentError(`services.${name}.extends.service is required`);
      let baseFile = f;
      if (ext['file'] !== undefined) {
        const p = path.resolve(path.dirname(f.path), String(ext['file']));
        baseFile = p === f.path ? f : load(p);
      }
      let base = resolve(baseFile, baseName, [...chain, id]);
      if (baseFile !== f) base = rebase(base, path.dirname(baseFile.path), home);
      const { extends: _drop, ...own } = service;
      result = mergeService(base, own);
    }
    cache.set(id, result);
    return result;
  };

  const services: RawMap = {};
  for (const name of Object.keys(servicesOf(file))) services[name] = resolve(file, name, []);
  return { path: file.path, data: { ...file.data, services } };
}
