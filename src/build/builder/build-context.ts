/**
 * The build context on the daemon's side: the tar the client posted to
 * `/build` (plain or compressed), unpacked safely into a private directory
 * under the data root, and the Dockerfile read out of it.
 *
 * Entries that would land outside the directory (`../x`, absolute names,
 * symlinked parents) are refused by the extractor, so a hostile context
 * cannot write anywhere else. The directory is removed when the build ends.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { decompressed } from '../../archive/compression.js';
import { extractTar } from '../../archive/tar-extract.js';
import { InvalidArgumentError, isErrno, NotFoundError } from '../../errors.js';
import { resolveInRoot } from '../../runtime/user.js';
import { removeDirEventually } from '../../storage/remove-dir.js';

export interface BuildContext {
  /** The unpacked context: COPY and ADD sources are resolved inside it. */
  dir: string;
  /** The Dockerfile's text and the name it was given. */
  dockerfile: { name: string; text: string };
  remove(): Promise<void>;
}

/** Unpacks the posted context under `workRoot` and reads the Dockerfile named `dockerfileName`. */
export async function receiveContext(input: Readable, workRoot: string, dockerfileName: string): Promise<BuildContext> {
  const dir = path.join(workRoot, `context-${randomBytes(8).toString('hex')}`);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const remove = async (): Promise<void> => {
    await removeDirEventually(dir);
  };
  try {
    await extractTar(await decompressed(input), dir, { whiteouts: 'keep', symlinks: 'reject-parents', sameOwner: true, lenientEnd: true });
    const dockerfile = await readDockerfile(dir, dockerfileName);
    return { dir, dockerfile, remove };
  } catch (err) {
    await remove();
    if (err instanceof Error && !(err instanceof NotFoundError) && err.name === 'Error') {
      throw new InvalidArgumentError(`failed to read the build context: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/** moby also accepts "dockerfile" when the default name is missing. */
async function readDockerfile(dir: string, name: string): Promise<{ name: string; text: string }> {
  const candidates = name === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [name];
  for (const candidate of candidates) {
    let host: string;
    try {
      host = await resolveInRoot(dir, candidate);
    } catch {
      continue;
    }
    try {
      const text = await fs.readFile(host, 'utf8');
      return { name: candidate, text };
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      if (isErrno(err, 'EISDIR')) throw new InvalidArgumentError(`the Dockerfile (${candidate}) is a directory`);
      throw err;
    }
  }
  throw new NotFoundError(`Cannot locate specified Dockerfile: ${name}`);
}
