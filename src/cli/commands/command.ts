/**
 * BerthCommand: commander's Command bent to docker's (cobra/pflag) surface.
 *
 * - Errors never print or exit here: commander's errors are translated to
 *   FlagError / ArgumentError (docker's wording) and thrown, so the exit code
 *   is decided once in src/cmd/berth.ts.
 * - `--flag=false` works for booleans, as in pflag (commander only knows
 *   `--no-flag`), and `-e=VAL` works for shorthands taking a value.
 * - Positional-argument counts are checked with docker's messages
 *   (cli/required.go), not commander's.
 *
 * Each command file builds one BerthCommand: `.use("run [OPTIONS] IMAGE…")`,
 * its options, then `.run(rule, action)`.
 */
import { Command, CommanderError, type Option } from 'commander';
import { ArgumentError, FlagError, StatusError, type CommandRef } from '../cli-errors.js';
import { BIN } from '../exit-code.js';

/** How many positional arguments a command takes. */
export interface ArgsRule {
  min?: number;
  max?: number;
}

export const noArgs: ArgsRule = { max: 0 };
export const exactArgs = (n: number): ArgsRule => ({ min: n, max: n });
export const minArgs = (n: number): ArgsRule => ({ min: n });
export const rangeArgs = (min: number, max: number): ArgsRule => ({ min, max });

const plural = (n: number): string => (n === 1 ? 'argument' : 'arguments');
const TRUE_VALUES = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE_VALUES = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

export class BerthCommand extends Command {
  #use = '';

  constructor(name?: string) {
    super(name);
    // Positional options everywhere: `run`/`exec` may then pass options through to the container.
    this.enablePositionalOptions();
    this.helpOption('-h, --help', 'Print usage');
    this.configureHelp({ subcommandTerm: (cmd) => cmd.name() });
    this.configureOutput({ outputError: () => undefined });
    this.exitOverride((err) => {
      throw translateCommanderError(this, err);
    });
  }

  override createCommand(name?: string): BerthCommand {
    return new BerthCommand(name);
  }

  /** docker's `Use:` line, e.g. "run [OPTIONS] IMAGE [COMMAND] [ARG...]". */
  use(spec: string): this {
    this.#use = spec;
    const rest = spec.slice(spec.indexOf(' ') + 1);
    this.usage(spec.includes(' ') ? rest : '');
    return this;
  }

  /** Renames the command (a top-level alias such as `ps` for `container ls`), keeping its Use line. */
  rename(name: string): this {
    this.name(name);
    if (this.#use !== '') this.use(`${name}${this.#use.slice(this.#use.split(' ')[0]!.length)}`);
    return this;
  }

  /** "berth container run" */
  get commandPath(): string {
    const names: string[] = [];
    for (let c: Command | null = this; c !== null; c = c.parent) names.unshift(c.name());
    return names.join(' ');
  }

  /** "berth container run [OPTIONS] IMAGE [COMMAND] [ARG...]" */
  get usageLine(): string {
    const parent = this.parent instanceof BerthCommand ? this.parent.commandPath : this.parent?.name();
    const spec = this.#use === '' ? this.name() : this.#use;
    return parent === undefined ? spec : `${parent} ${spec}`;
  }

  ref(): CommandRef {
    return { path: this.commandPath, usageLine: this.usageLine };
  }

  /** Declares the action, with docker's positional-argument check first. */
  run<O>(rule: ArgsRule, action: (args: string[], opts: O) => Promise<void>): this {
    this.argument('[args...]').allowExcessArguments(true);
    return this.action(async (args: string[], opts: O) => {
      checkArgs(this, args, rule);
      await action(args, opts);
    });
  }

  override parseOptions(argv: string[]): { operands: string[]; unknown: string[] } {
    try {
      return super.parseOptions(normalizeArgv(this, argv));
    } catch (err) {
      if (err instanceof FlagError && err.command === undefined) err.command = this.ref();
      throw err;
    }
  }
}

/** Throws docker's ArgumentError when args do not fit the rule. */
export function checkArgs(cmd: BerthCommand, args: readonly string[], rule: ArgsRule): void {
  const n = args.length;
  const { min, max } = rule;
  if ((min === undefined || n >= min) && (max === undefined || n <= max)) return;
  const path = cmd.commandPath;
  const tail = (verb: string): string => `\n\nUsage:  ${cmd.usageLine}\n\n${verb} '${path} --help' for more information`;
  if (max === 0) {
    if (cmd.commands.length > 0) throw new ArgumentError(`${BIN}: unknown command: ${path} ${args[0]}${tail('Run')}`);
    throw new ArgumentError(`${BIN}: '${path}' accepts no arguments${tail('Run')}`);
  }
  if (min !== undefined && max !== undefined && min === max) {
    throw new ArgumentError(`${BIN}: '${path}' requires ${min} ${plural(min)}${tail('Run')}`);
  }
  if (min !== undefined && max !== undefined) {
    throw new ArgumentError(`${BIN}: '${path}' requires at least ${min} and at most ${max} ${plural(max)}${tail('Run')}`);
  }
  if (min !== undefined) throw new ArgumentError(`${BIN}: '${path}' requires at least ${min} ${plural(min)}${tail('See')}`);
  throw new ArgumentError(`${BIN}: '${path}' requires at most ${max} ${plural(max ?? 0)}${tail('Run')}`);
}

function translateCommanderError(cmd: BerthCommand, err: CommanderError): Error {
  switch (err.code) {
    case 'commander.helpDisplayed':
    case 'commander.help':
    case 'commander.version':
      return new StatusError(0);
    case 'commander.unknownOption': {
      const token = /'([^']+)'/.exec(err.message)?.[1] ?? '';
      const text = token.startsWith('--')
        ? `unknown flag: ${token.split('=')[0]}`
        : `unknown shorthand flag: '${token.charAt(1)}' in ${token}`;
      return new FlagError(text, cmd.ref());
    }
    case 'commander.optionMissingArgument': {
      const flags = /option '([^']+)'/.exec(err.message)?.[1] ?? '';
      const long = /--[\w-]+/.exec(flags)?.[0] ?? flags;
      return new FlagError(`flag needs an argument: ${long}`, cmd.ref());
    }
    case 'commander.unknownCommand': {
      const name = /'([^']+)'/.exec(err.message)?.[1] ?? '';
      const usage = cmd.parent === null ? '' : `\n\nUsage:  ${cmd.usageLine}`;
      return new ArgumentError(`${BIN}: unknown command: ${cmd.commandPath} ${name}${usage}\n\nRun '${cmd.commandPath} --help' for more information`);
    }
    default:
      return new FlagError(err.message.replace(/^error: /, ''), cmd.ref());
  }
}

const findLong = (cmd: Command, name: string): Option | undefined => cmd.options.find((o) => o.long === name);
const findShort = (cmd: Command, name: string): Option | undefined => cmd.options.find((o) => o.short === name);
const takesValue = (o: Option): boolean => o.required || o.optional;

/**
 * Rewrites pflag spellings commander does not know, up to the first
 * positional (which, for passThroughOptions commands and command groups,
 * ends this command's options):
 *   --bool=true → --bool     --bool=false → --no-bool (or nothing)
 *   -e=VALUE → -e VALUE
 */
export function normalizeArgv(cmd: Command, argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--' || !arg.startsWith('-') || arg === '-') {
      out.push(...argv.slice(i));
      return out;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const option = findLong(cmd, eq < 0 ? arg : arg.slice(0, eq));
      if (option === undefined || takesValue(option)) {
        out.push(arg);
        if (option !== undefined && eq < 0 && i + 1 < argv.length) out.push(argv[++i]!);
        continue;
      }
      if (eq < 0) {
        out.push(arg);
        continue;
      }
      const value = arg.slice(eq + 1);
      const name = arg.slice(2, eq);
      if (TRUE_VALUES.has(value)) out.push(`--${name}`);
      else if (FALSE_VALUES.has(value)) {
        if (findLong(cmd, `--no-${name}`) !== undefined) out.push(`--no-${name}`);
      } else {
        throw new FlagError(`invalid argument "${value}" for "${flagName(option)}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
      }
      continue;
    }
    // A boolean shorthand with a value: -H=false
    const shortBool = /^-([^-=])=(.*)$/.exec(arg);
    const shortOption = shortBool !== null ? findShort(cmd, `-${shortBool[1]}`) : undefined;
    if (shortBool !== null && shortOption?.long !== undefined && !takesValue(shortOption)) {
      out.push(...normalizeArgv(cmd, [`${shortOption.long}=${shortBool[2]}`]));
      continue;
    }
    // Shorthand cluster: -it, -p8080:80, -e=FOO, -e FOO
    let consumedNext = false;
    let rewritten = arg;
    for (let j = 1; j < arg.length; j++) {
      const option = findShort(cmd, `-${arg[j]}`);
      if (option === undefined || !takesValue(option)) continue;
      if (j + 1 < arg.length) {
        if (arg[j + 1] === '=') rewritten = `${arg.slice(0, j + 1)}${arg.slice(j + 2)}`;
      } else consumedNext = true;
      break;
    }
    out.push(rewritten);
    if (consumedNext && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}

/** pflag's way of naming a flag in messages: "-m, --memory" or "--memory-swap". */
export function flagName(o: Option): string {
  return o.short !== undefined && o.long !== undefined ? `${o.short}, ${o.long}` : (o.long ?? o.short ?? '');
}
