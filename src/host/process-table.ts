/**
 * `docker top`: the host's `ps` output, cut down to a container's processes.
 *
 * As moby's daemon/top_unix.go: the ps arguments are split on single spaces,
 * `-q<pid,…>` is appended so ps only looks at those pids (and dropped again if
 * ps refuses the combination, e.g. with `f`), the first line gives the titles,
 * and each row is split on ASCII whitespace with the surplus fields joined
 * back into the last column (CMD keeps its spaces). Thread rows (`-m`) whose
 * PID column is "-" belong to the process row above them.
 */
import { InvalidArgumentError } from '../errors.js';
import { ToolError, runTool } from './exec-tool.js';

/** The Engine API's ContainerTopResponse. */
export interface ProcessTable {
  Titles: string[];
  Processes: string[][];
}

/** Docker refuses `-o x=PID`-style renames of the PID column, which would defeat the filtering. */
function validatePsArgs(psArgs: string): void {
  for (const m of psArgs.matchAll(/\s+(\S*)=\s*(PID\S*)/g)) {
    if (m[1] !== 'pid') throw new InvalidArgumentError(`specifying "${m[1]}=${m[2]}" is not allowed`);
  }
}

function fieldsAscii(line: string): string[] {
  return line.split(/[ \t\n\f\r]+/).filter((f) => f !== '');
}

/** Parses ps output, keeping the rows of `pids`. Exported for tests of odd ps output. */
export function parsePsOutput(output: string, pids: readonly number[]): ProcessTable {
  const lines = output.split('\n');
  const titles = fieldsAscii(lines[0] ?? '');
  const pidIndex = titles.indexOf('PID');
  if (pidIndex === -1) throw new InvalidArgumentError("Couldn't find PID field in ps output");

  const wanted = new Set(pids);
  const processes: string[][] = [];
  const append = (fields: string[]) => {
    const row = fields.slice(0, titles.length - 1);
    row.push(fields.slice(titles.length - 1).join(' '));
    processes.push(row);
  };
  let previousWanted = false;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const fields = fieldsAscii(line);
    const pidField = fields[pidIndex];
    if (pidField === undefined) continue;
    if (pidField === '-') {
      if (previousWanted) append(fields);
      continue;
    }
    const pid = Number(pidField);
    if (!Number.isInteger(pid)) throw new Error(`unexpected pid '${pidField}' in ps output`);
    previousWanted = wanted.has(pid);
    if (previousWanted) append(fields);
  }
  return { Titles: titles, Processes: processes };
}

/** Runs `ps psArgs` on the host and returns the header and the rows of `pids`. */
export async function processTable(pids: number[], psArgs = '-ef'): Promise<ProcessTable> {
  if (psArgs === '') psArgs = '-ef';
  validatePsArgs(psArgs);
  const args = psArgs.split(' ');
  let output: string;
  try {
    if (pids.length === 0) throw new Error('no pids to pass with -q');
    output = await runTool('ps', [...args, `-q${pids.join(',')}`]);
  } catch {
    try {
      output = await runTool('ps', args);
    } catch (err) {
      // The first line of ps's stderr says why it failed ("error: unknown gnu long option").
      const reason = err instanceof ToolError ? err.stderr.trim().split('\n')[0] : '';
      throw new Error(`ps: ${reason || (err as Error).message}`, { cause: err });
    }
  }
  return parsePsOutput(output, pids);
}
