/**
 * The one way Berth runs a host tool and waits for it: execFile (no shell),
 * stdout captured, and a failure turned into an Error that carries the
 * tool's own stderr so the reason reaches the user.
 */
import { execFile } from 'node:child_process';

export class ToolError extends Error {
  constructor(
    readonly tool: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${tool} failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${stderr.trim() || 'no output'}`);
    this.name = 'ToolError';
  }
}

export interface RunToolOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Something that runs a command for us without forking this process. A fork
 * of a Node daemon costs milliseconds that grow with its heap, on the path of
 * every container start (mount) and stop (umount); the daemon wires the
 * monitor's resident spawner in here (see src/runtime/monitor/spawner.c).
 */
export interface CommandRunner {
  run(
    argv: readonly string[],
    opts: { cwd?: string; timeoutMs?: number },
  ): Promise<{ code: number | null; signal: number; stdout: string; stderr: string }>;
}

let commandRunner: CommandRunner | undefined;

export function useCommandRunner(runner: CommandRunner | undefined): void {
  commandRunner = runner;
}

export function runTool(file: string, args: readonly string[], opts: RunToolOptions = {}): Promise<string> {
  const runner = commandRunner;
  if (runner && opts.input === undefined && opts.env === undefined) {
    return runner.run([file, ...args], { ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) }).then(
      (r) => {
        if (r.code === 0) return r.stdout;
        throw new ToolError(file, r.code, r.stderr || (r.signal ? `killed by signal ${r.signal}` : ''));
      },
      (err: unknown) => {
        throw new ToolError(file, null, err instanceof Error ? err.message : String(err));
      },
    );
  }
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args as string[],
      { maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 0, cwd: opts.cwd, env: opts.env, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          const code = typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null;
          reject(new ToolError(file, code, stderr || err.message));
        } else {
          resolve(stdout);
        }
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
