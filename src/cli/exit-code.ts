/**
 * The one table from "what went wrong" to "what docker would print, and
 * which status it would exit with". src/cmd/berth.ts applies it exactly once,
 * to whatever a command threw (docker/cli cmd/docker/docker.go getExitCode +
 * container/run.go toStatusError).
 *
 *   status  when
 *   0       help/version shown, prompt declined (CancelledError)
 *   1       daemon error, unreachable daemon, wrong argument count, anything else
 *   125     bad flag (FlagError), bad container config, run: create/start refused
 *   126     run: the command cannot be invoked (permission denied, is a directory)
 *   127     run: the command was not found
 *   N       StatusError(N): the container's / exec'd process's own exit status
 */
import { ArgumentError, CancelledError, ContainerConfigError, FlagError, MultiError, RunError, StatusError } from './cli-errors.js';
import { DaemonError } from './client/daemon-error.js';

export const BIN = 'berth';

export interface ExitDecision {
  status: number;
  /** Text for stderr; empty prints nothing. */
  message: string;
}

/** An error as docker words it: daemon answers get "Error response from daemon: ". */
export function describeError(err: unknown): string {
  if (err instanceof DaemonError) return `Error response from daemon: ${err.message}`;
  if (err instanceof MultiError) return err.errors.map(describeError).join('\n');
  if (err instanceof RunError) return describeError(err.cause);
  if (err instanceof Error) return err.message;
  return String(err);
}

/** docker's withHelp(): "berth: <err>\n\nRun 'berth run --help' for more information". */
export function withHelp(message: string, commandName: string): string {
  return `${BIN}: ${message}\n\nRun '${BIN} ${commandName} --help' for more information`;
}

/** 127 / 126 / 125 from a run failure's message (docker's toStatusError). */
export function runFailureStatus(message: string): number {
  if (message.includes('executable file not found') || message.includes('no such file or directory')) return 127;
  if (message.includes('permission denied') || message.includes('is a directory') || message.includes('cannot be executed')) {
    return 126;
  }
  return 125;
}

export function decideExit(err: unknown): ExitDecision {
  if (err instanceof StatusError) return { status: err.status, message: err.message };
  if (err instanceof CancelledError) return { status: 0, message: '' };
  if (err instanceof FlagError) {
    if (err.command === undefined) return { status: 125, message: err.message };
    const c = err.command;
    return {
      status: 125,
      message: `${err.message}\n\nUsage:  ${c.usageLine}\n\nRun '${c.path} --help' for more information`,
    };
  }
  if (err instanceof ArgumentError) return { status: 1, message: err.message };
  if (err instanceof ContainerConfigError) return { status: 125, message: withHelp(err.message, err.commandName) };
  if (err instanceof RunError) {
    const text = describeError(err.cause);
    return { status: runFailureStatus(text), message: withHelp(text, err.commandName) };
  }
  return { status: 1, message: describeError(err) };
}
