/**
 * The ways a CLI command can fail that are not daemon answers.
 *
 * Commands throw these; src/cli/exit-code.ts turns each into an exit status
 * and the text docker would print, and src/cmd/berth.ts applies that once.
 * They say *what* went wrong, never which number to exit with (except
 * StatusError, which carries a container's or process's own exit status).
 */
import { BerthError, InvalidArgumentError, type ErrorKind } from '../errors.js';

/** Where a command sits in the tree, for usage messages. */
export interface CommandRef {
  /** "berth container run" */
  readonly path: string;
  /** "berth container run [OPTIONS] IMAGE [COMMAND] [ARG...]" */
  readonly usageLine: string;
}

/**
 * A flag docker's pflag would reject: unknown, missing its value, or a value
 * that does not parse ("invalid argument \"12qq\" for \"-m, --memory\" flag:
 * invalid size: '12qq'"). Printed with the usage block; exit 125.
 */
export class FlagError extends InvalidArgumentError {
  command: CommandRef | undefined;

  constructor(message: string, command?: CommandRef) {
    super(message);
    this.command = command;
  }
}

/**
 * Wrong number of positional arguments, or an unknown subcommand. The message
 * is complete (docker's cli/required.go wording with usage); exit 1.
 */
export class ArgumentError extends InvalidArgumentError {}

/**
 * Flag values that parse but do not combine into a valid container (docker's
 * opts.go parse(): bad restart policy, --rm with --restart, bad port spec…).
 * Printed as "berth: <message>" plus a pointer to --help; exit 125.
 */
export class ContainerConfigError extends InvalidArgumentError {
  readonly commandName: string;

  constructor(message: string, commandName: string) {
    super(message);
    this.commandName = commandName;
  }
}

/**
 * The daemon refused to create or start a container for `run`. The exit
 * status comes from the message (docker's toStatusError): 127 for a missing
 * command, 126 for one that cannot be executed, 125 otherwise.
 */
export class RunError extends BerthError {
  override readonly kind: ErrorKind;
  readonly commandName: string;

  constructor(cause: unknown, commandName = 'run') {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.kind = cause instanceof BerthError ? cause.kind : 'internal';
    this.commandName = commandName;
  }
}

/**
 * Exit with a specific status: a container's or exec'd process's exit code,
 * or a command that already printed its own errors. An empty message prints
 * nothing.
 */
export class StatusError extends BerthError {
  readonly status: number;

  constructor(status: number, message = '') {
    super(message);
    this.status = status;
  }
}

/** The user declined a confirmation prompt: print nothing, exit 0 (docker's errdefs.Cancelled). */
export class CancelledError extends BerthError {}

/** Several independent failures (e.g. `rm a b c`), printed one per line; exit 1. */
export class MultiError extends BerthError {
  readonly errors: readonly unknown[];

  constructor(errors: readonly unknown[]) {
    super(errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n'));
    this.errors = errors;
  }
}
