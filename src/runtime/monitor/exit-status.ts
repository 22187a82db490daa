/**
 * The exit status berth-monitor records when its process is gone: written
 * atomically to the exit file (temp, fsync, rename, fsync dir) and sent to
 * WATCH clients as `EXIT {json}`. The file outlives both the process and the
 * monitor, so berthd reads it after a restart to learn how a container ended.
 */
import { promises as fs } from 'node:fs';
import { DataLossError, isErrno } from '../../errors.js';

/** How the process ended. */
export interface ExitStatus {
  /** The exit status, or 128 + signal when killed by a signal. */
  exitCode: number;
  /** The killing signal, or 0 after a normal exit. */
  signal: number;
  /** RFC3339Nano, UTC. */
  finishedAt: string;
}

/** The exit status the monitor recorded; undefined while there is none. */
export async function readExitFile(path: string): Promise<ExitStatus | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  return parseExitStatus(text, path);
}

/** Validates the monitor's JSON (an exit file body, or a WATCH EXIT line). */
export function parseExitStatus(text: string, source: string): ExitStatus {
  let value: Partial<Record<keyof ExitStatus, unknown>>;
  try {
    value = JSON.parse(text) as typeof value;
  } catch (err) {
    throw new DataLossError(`corrupt exit status in ${source}`, { cause: err });
  }
  const { exitCode, signal, finishedAt } = value;
  if (typeof exitCode !== 'number' || typeof signal !== 'number' || typeof finishedAt !== 'string') {
    throw new DataLossError(`corrupt exit status in ${source}`);
  }
  return { exitCode, signal, finishedAt };
}
