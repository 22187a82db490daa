/**
 * Asking the user for registry credentials on a terminal, worded as the
 * docker CLI 28 asks (command.PromptUserForCredentials):
 *
 *   Username (bob):           ← stdout; the default is the stored user
 *   Password:                 ← stdout; typed without echo; then "\n"
 *
 * For Docker Hub it first prints docker's account and access-token hints.
 * Lines are read through one buffered reader per input stream, so a
 * username and password that arrive in one chunk are both seen. The
 * password is read with the terminal in raw mode (no echo) and the mode is
 * restored before returning, even on failure or Ctrl-C.
 */
import type { Writable } from 'node:stream';
import { InvalidArgumentError } from '../../errors.js';
import type { BerthCli, InStream } from '../cli-context.js';
import { StatusError } from '../cli-errors.js';
import type { RegistryAuthConfig } from '../client/types.js';
import { INDEX_SERVER } from './auth-config.js';

const REGISTER_SUGGEST =
  "Log in with your Docker ID or email address to push and pull images from Docker Hub. If you don't have a Docker ID, head over to https://hub.docker.com/ to create one.";
const PAT_SUGGEST =
  'You can log in with your password or a Personal Access Token (PAT). Using a limited-scope PAT grants better security and is required for organizations using SSO. Learn more at https://docs.docker.com/go/access-tokens/';
const PAT_NOTE = 'A Personal Access Token (PAT) can be used instead.\nTo create a PAT, visit \x1b[4mhttps://app.docker.com/settings\x1b[0m\n\n';

type TtyInput = InStream & { setRawMode?: (raw: boolean) => unknown };

/** Buffers an input stream so successive prompts each take one line. */
class LineReader {
  readonly #input: TtyInput;
  #buf = '';
  #ended = false;
  #wake: (() => void) | undefined;

  constructor(input: TtyInput) {
    this.#input = input;
    input.on('data', (chunk: Buffer | string) => {
      this.#buf += chunk.toString();
      input.pause();
      this.#wake?.();
    });
    const end = (): void => {
      this.#ended = true;
      this.#wake?.();
    };
    input.on('end', end);
    input.on('close', end);
  }

  /** The next line without its ending; "" at end of input. In raw mode: Enter is "\r", DEL erases, Ctrl-C interrupts. */
  async readLine(raw: boolean): Promise<string> {
    for (;;) {
      const line = raw ? this.#takeRaw() : this.#takeCooked();
      if (line !== undefined) return line;
      if (this.#ended) {
        const rest = this.#buf;
        this.#buf = '';
        return rest;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#input.resume();
      });
      this.#wake = undefined;
    }
  }

  #takeCooked(): string | undefined {
    const nl = this.#buf.indexOf('\n');
    if (nl < 0) return undefined;
    const line = this.#buf.slice(0, nl).replace(/\r$/, '');
    this.#buf = this.#buf.slice(nl + 1);
    return line;
  }

  #takeRaw(): string | undefined {
    let text = '';
    for (let i = 0; i < this.#buf.length; i++) {
      const c = this.#buf[i]!;
      if (c === '\x03') {
        this.#buf = this.#buf.slice(i + 1);
        throw new StatusError(130);
      }
      if (c === '\r' || c === '\n' || (c === '\x04' && text === '')) {
        this.#buf = this.#buf.slice(i + (c === '\r' && this.#buf[i + 1] === '\n' ? 2 : 1));
        return text;
      }
      if (c === '\x7f' || c === '\b') text = [...text].slice(0, -1).join('');
      else text += c;
    }
    return undefined;
  }
}

const readers = new WeakMap<object, LineReader>();

function readerFor(input: TtyInput): LineReader {
  let r = readers.get(input);
  if (r === undefined) {
    r = new LineReader(input);
    readers.set(input, r);
  }
  return r;
}

/** docker's prompt.ReadInput: print the message, read one line, trim it. */
export async function readInput(cli: BerthCli, message: string): Promise<string> {
  cli.out.write(message);
  return (await readerFor(cli.in).readLine(false)).trim();
}

/** readInput with echo off while the line is typed (raw mode when the input is a terminal). */
export async function readSecret(cli: BerthCli, message: string): Promise<string> {
  const input = cli.in as TtyInput;
  const raw = input.isTTY === true && typeof input.setRawMode === 'function';
  cli.out.write(message);
  if (raw) input.setRawMode!(true);
  try {
    return (await readerFor(input).readLine(raw)).trim();
  } finally {
    if (raw) input.setRawMode!(false);
  }
}

/** docker's hints.Enabled(): on unless DOCKER_CLI_HINTS is a false value. */
export function hintsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env['DOCKER_CLI_HINTS'];
  if (v === undefined || v === '') return true;
  return !['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v);
}

/**
 * docker's tui Output.PrintNote: a blank line, then "i Info → " and the text,
 * later lines indented under it; styled only when `out` is a terminal.
 */
export function printNote(out: Writable & { isTTY?: boolean }, text: string): void {
  const tty = out.isTTY === true;
  const prefix = tty ? '\x1b[1m\x1b[106m\x1b[30mi\x1b[0m\x1b[0m \x1b[96mInfo → \x1b[0m\x1b[0m' : ' Info -> ';
  const lines = text.split('\n').map((l, i) => (i === 0 ? prefix : ' '.repeat(9)) + (tty ? `\x1b[3m${l}\x1b[0m` : l));
  out.write(`\n${lines.join('\n')}\n`);
}

export interface CredentialQuestion {
  /** -u: asked only when empty. */
  user?: string;
  /** -p / --password-stdin: asked only when empty. */
  password?: string;
  /** Offered as "Username (bob): " and taken when the answer is empty. */
  defaultUsername?: string;
  serverAddress: string;
}

/** Asks for what is missing of user and password; the answer carries serveraddress. */
export async function promptForCredentials(cli: BerthCli, q: CredentialQuestion): Promise<RegistryAuthConfig> {
  let user = (q.user ?? '').trim();
  const hub = q.serverAddress === INDEX_SERVER;
  if (user === '') {
    if (hub) {
      cli.println(REGISTER_SUGGEST);
      if (hintsEnabled()) {
        cli.println(PAT_SUGGEST);
        cli.println();
      }
    }
    const fallback = (q.defaultUsername ?? '').trim();
    user = await readInput(cli, fallback === '' ? 'Username: ' : `Username (${fallback}): `);
    if (user === '') user = fallback;
    if (user === '') throw new InvalidArgumentError('Error: Non-null Username Required');
  }
  let password = (q.password ?? '').trim();
  if (password === '') {
    if (hub) printNote(cli.err, PAT_NOTE);
    password = await readSecret(cli, 'Password: ');
    cli.println();
    if (password === '') throw new InvalidArgumentError('Error: Password Required');
  }
  return { username: user, password, serveraddress: q.serverAddress };
}
