/**
 * One berthd per data root. Node has no flock(2), so the lock is a pid file
 * created atomically with link(2) (which fails if the name exists); a lock
 * left by a process that is gone (kill -9) is taken over.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError, isErrno } from '../errors.js';
import { tempPathFor } from '../storage/atomic-write.js';

export class DataRootLock {
  private constructor(private readonly file: string) {}

  static async acquire(dataRoot: string): Promise<DataRootLock> {
    await fs.mkdir(dataRoot, { recursive: true, mode: 0o711 });
    const file = path.join(dataRoot, 'berthd.pid');
    for (let attempt = 0; attempt < 3; attempt++) {
      const tmp = tempPathFor(file);
      await fs.writeFile(tmp, `${process.pid}\n`);
      try {
        await fs.link(tmp, file);
        return new DataRootLock(file);
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw err;
      } finally {
        await fs.rm(tmp, { force: true });
      }
      const holder = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
      if (holder > 0 && holder !== process.pid && alive(holder)) {
        throw new FailedPreconditionError(`data root ${dataRoot} is in use by berthd (pid ${holder})`);
      }
      await fs.rm(file, { force: true }); // stale: its owner is gone
    }
    throw new FailedPreconditionError(`could not lock data root ${dataRoot}`);
  }

  async release(): Promise<void> {
    const holder = Number((await fs.readFile(this.file, 'utf8').catch(() => '')).trim());
    if (holder === process.pid) await fs.rm(this.file, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrno(err, 'EPERM');
  }
}
