/**
 * `berth build` / `berth image build`: an image from a Dockerfile and a
 * context, as docker/cli does it for the classic builder
 * (cli/command/image/build.go with DOCKER_BUILDKIT=0).
 *
 * Flow:
 *   1. --iidfile is removed first, so a failed build leaves no stale id
 *   2. the context: PATH → packContext (.dockerignore applied, owned 0:0);
 *      "-" → stdin, a tar passed through or a lone Dockerfile. A Dockerfile
 *      outside the context (or `-f -`) travels inside the tar as
 *      `.dockerfile.<20 hex>`, and that name is the `dockerfile` parameter
 *   3. POST /build with docker's query (t repeated, dockerfile, buildargs and
 *      labels as JSON objects, target, nocache/pull/forcerm/q=1, rm=0|1,
 *      version=1) plus Berth's explain=1, the tar as application/x-tar; once
 *      the tar is sent: "Sending build context to Docker daemon  <size>"
 *   4. the JSON message stream: `stream` text printed as is, `status` lines
 *      as `pull` shows them, `aux.ID` is the image id. An error line prints
 *      its message on stderr and exits with errorDetail.code when it is an
 *      exit status (a failed RUN's, as docker does), else 1
 *   5. -q prints only the image id; --iidfile receives it (no newline)
 *
 * Berth's extra, step timing. A step lasts from its "Step N/M : …" line to
 * the next one, to "Successfully built …", or to the end (or failure) of the
 * stream; its duration is then printed on its own line, in the builder's
 * " ---> " voice (not in quiet mode):
 *
 *   Step 2/3 : RUN make
 *    ---> Running in 3f2a9c0d41e2
 *   …
 *    ---> 9b1c7e2a3f40
 *    ---> took 12.41s
 *   Step 3/3 : CMD ["/app"]
 *
 * Durations read "0.42s", "12.41s" under a minute, then "2m05.3s", "1h02m05s".
 */
import { promises as fsp } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import * as path from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { Option } from 'commander';
import { InvalidArgumentError, isErrno, NotImplementedError } from '../../../errors.js';
import { DEFAULT_DOCKERFILE, newExtraDockerfileName, packContext } from '../../../build/context/context-tar.js';
import { contextFromStream } from '../../../build/context/stream-context.js';
import { parseNormalizedNamed } from '../../../reference/reference.js';
import { humanSize } from '../../../units/bytes.js';
import type { BerthCli } from '../../cli-context.js';
import { StatusError } from '../../cli-errors.js';
import { parseDaemonHost, readBody, Transport, type QueryValue } from '../../client/transport.js';
import type { JsonMessage } from '../../client/types.js';
import { formatJsonMessage, readJsonMessages } from '../../stream/json-message.js';
import { BerthCommand, exactArgs } from '../command.js';
import { invalidValue } from '../flags.js';

export interface BuildFlags {
  tag?: string[];
  file?: string;
  buildArg?: string[];
  target?: string;
  /** false after --no-cache (commander's negation). */
  cache?: boolean;
  pull?: boolean;
  label?: string[];
  /** undefined = default on; false after --rm=false. */
  rm?: boolean;
  forceRm?: boolean;
  quiet?: boolean;
  iidfile?: string;
  explain?: boolean;
}

export interface BuildOptions {
  /** PATH, or "-" for a context (or Dockerfile) on stdin. */
  context: string;
  tags: string[];
  file?: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  rm: boolean;
  forceRm: boolean;
  quiet: boolean;
  iidfile?: string;
  explain: boolean;
}

/** A repeatable flag whose every value is checked as it is parsed (pflag's ListOpts with a validator). */
function checkedList(flags: string, description: string, check: (v: string) => string | undefined): Option {
  const option = new Option(flags, description);
  return option.argParser((v: string, prev: string[] | undefined) => {
    const reason = check(v);
    if (reason !== undefined) throw invalidValue(option, v, reason);
    return [...(prev ?? []), v];
  });
}

export function newBuildCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('build')
    .use('build [OPTIONS] PATH | URL | -')
    .description('Build an image from a Dockerfile')
    .addOption(checkedList('-t, --tag <list>', "Name and optionally a tag in the 'name:tag' format", tagProblem))
    .option('-f, --file <string>', "Name of the Dockerfile (Default is 'PATH/Dockerfile')")
    .addOption(checkedList('--build-arg <list>', 'Set build-time variables', (v) => (v.split('=')[0] === '' ? `invalid environment variable: ${v}` : undefined)))
    .option('--target <string>', 'Set the target build stage to build.')
    .option('--no-cache', 'Do not use cache when building the image')
    .option('--pull', 'Always attempt to pull a newer version of the image')
    .addOption(checkedList('--label <list>', 'Set metadata for an image', labelProblem))
    .option('--rm', 'Remove intermediate containers after a successful build (default true)')
    .addOption(new Option('--no-rm').hideHelp())
    .option('--force-rm', 'Always remove intermediate containers')
    .option('-q, --quiet', 'Suppress the build output and print image ID on success')
    .option('--iidfile <string>', 'Write the image ID to the file')
    .option('--explain', 'Explain each cache miss (Berth)')
    .run<BuildFlags>(exactArgs(1), ([context], f) => runBuild(cli, buildOptions(context!, f, process.env)));
}

function tagProblem(v: string): string | undefined {
  try {
    parseNormalizedNamed(v);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** docker's opts.ValidateLabel: a non-empty key without whitespace; the value may be anything. */
function labelProblem(v: string): string | undefined {
  const key = v.split('=')[0]!.replace(/^[ \t\r\n\v\f]+/, '');
  if (key === '') return `invalid label '${v}': empty name`;
  if (/[ \t\r\n\v\f]/.test(key)) return `label '${key}' contains whitespaces`;
  return undefined;
}

/** Flags → options. `--build-arg KEY` takes KEY from env, and is dropped when env has no KEY. */
export function buildOptions(context: string, f: BuildFlags, env: NodeJS.ProcessEnv): BuildOptions {
  const buildArgs: Record<string, string> = {};
  for (const a of f.buildArg ?? []) {
    const eq = a.indexOf('=');
    if (eq >= 0) buildArgs[a.slice(0, eq)] = a.slice(eq + 1);
    else if (env[a] !== undefined) buildArgs[a] = env[a]!;
  }
  const labels: Record<string, string> = {};
  for (const l of f.label ?? []) {
    const eq = l.indexOf('=');
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  return {
    context,
    tags: f.tag ?? [],
    file: f.file,
    buildArgs,
    labels,
    target: f.target,
    noCache: f.cache === false,
    pull: f.pull === true,
    rm: f.rm !== false,
    forceRm: f.forceRm === true,
    quiet: f.quiet === true,
    iidfile: f.iidfile,
    explain: f.explain === true,
  };
}

/** The query string of POST /build (docker's imageBuildOptionsToQuery, the fields Berth uses). */
export function buildQuery(o: BuildOptions, dockerfile: string | undefined): Record<string, QueryValue> {
  return {
    t: o.tags.length > 0 ? o.tags : undefined,
    dockerfile: dockerfile === '' ? undefined : dockerfile,
    buildargs: JSON.stringify(o.buildArgs),
    labels: JSON.stringify(o.labels),
    target: o.target === '' ? undefined : o.target,
    nocache: o.noCache ? '1' : undefined,
    pull: o.pull ? '1' : undefined,
    rm: o.rm ? '1' : '0',
    forcerm: o.forceRm ? '1' : undefined,
    q: o.quiet ? '1' : undefined,
    explain: o.explain ? '1' : undefined,
    version: '1',
  };
}

export async function runBuild(cli: BerthCli, o: BuildOptions): Promise<void> {
  if (o.iidfile !== undefined) await fsp.rm(o.iidfile, { force: true });
  const { tar, dockerfile } = await prepareContext(cli, o);
  const res = await postBuild(cli, countSent(tar, (n) => {
    if (!o.quiet) cli.out.write(`Sending build context to Docker daemon  ${humanSize(n).padStart(8)}\r\r\n`);
  }), buildQuery(o, dockerfile));
  const progress = new BuildProgress(cli.out, { quiet: o.quiet });
  try {
    for await (const m of readJsonMessages(res)) progress.handle(m);
    progress.end();
  } catch (err) {
    if (o.quiet) cli.err.write(progress.buffered);
    throw err;
  }
  if (o.quiet) cli.out.write(progress.imageId !== undefined ? `${progress.imageId}\n` : progress.buffered);
  if (o.iidfile !== undefined) {
    if (progress.imageId === undefined) throw new Error(`Server did not provide an image ID. Cannot write ${o.iidfile}`);
    await fsp.writeFile(o.iidfile, progress.imageId, { mode: 0o666 });
  }
}

/**
 * POST /build. Not (yet) a method of the shared ImagesApi, so it talks to the
 * daemon over its own Transport, on the same host and API version rules.
 */
async function postBuild(cli: BerthCli, tar: Readable, query: Record<string, QueryValue>): Promise<IncomingMessage> {
  const transport = new Transport(parseDaemonHost(cli.host), { apiVersion: process.env['DOCKER_API_VERSION'] || undefined });
  try {
    const res = await transport.request({ method: 'POST', path: '/build', query, body: tar, contentType: 'application/x-tar' });
    res.once('close', () => transport.close());
    return res;
  } catch (err) {
    transport.close();
    throw err;
  }
}

/** Passes the tar through, calling done(total bytes) after its last byte. */
function countSent(tar: Readable, done: (n: number) => void): Readable {
  let n = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      done(n);
      cb();
    },
  });
  tar.on('error', (err) => counter.destroy(err));
  return tar.pipe(counter);
}

/** The tar to send and the `dockerfile` parameter naming the Dockerfile inside it. */
export async function prepareContext(cli: Pick<BerthCli, 'in'>, o: Pick<BuildOptions, 'context' | 'file'>): Promise<{ tar: Readable; dockerfile?: string }> {
  if (o.context === '-') {
    if (o.file === '-') throw new InvalidArgumentError("invalid argument: can't use stdin for both build context and dockerfile");
    const { tar, dockerfileOnly } = await contextFromStream(cli.in);
    return { tar, dockerfile: dockerfileOnly ? DEFAULT_DOCKERFILE : o.file };
  }
  const dir = await contextDir(o.context);
  if (o.file === '-') {
    const extra = { name: newExtraDockerfileName(), content: await readBody(cli.in) };
    return { tar: await packContext(dir, { extraDockerfile: extra }), dockerfile: extra.name };
  }
  const rel = await dockerfileInContext(dir, o.file);
  if (rel.startsWith('../')) {
    const extra = { name: newExtraDockerfileName(), content: await fsp.readFile(o.file!) };
    return { tar: await packContext(dir, { extraDockerfile: extra }), dockerfile: extra.name };
  }
  return { tar: await packContext(dir, { dockerfile: rel }), dockerfile: rel };
}

const prepareError = (message: string): InvalidArgumentError => new InvalidArgumentError(`unable to prepare context: ${message}`);

/** The context directory, symlinks resolved (docker's ResolveAndValidateContextPath). */
async function contextDir(given: string): Promise<string> {
  if ((await fsp.stat(given).catch(() => undefined)) === undefined) {
    if (/^(https?:\/\/|git:\/\/|git@|github\.com\/)/.test(given)) throw new NotImplementedError(`remote build contexts are not supported: ${given}`);
    throw prepareError(`path "${given}" not found`);
  }
  const real = await fsp.realpath(path.resolve(given));
  if (!(await fsp.lstat(real)).isDirectory()) throw prepareError(`context must be a directory: ${real}`);
  return real;
}

/**
 * The Dockerfile's path relative to the context (docker's getDockerfileRelPath):
 * -f is relative to the current directory; without it "Dockerfile", or
 * "dockerfile" when only that exists. "../…" means outside the context.
 */
async function dockerfileInContext(dir: string, file: string | undefined): Promise<string> {
  let abs: string;
  if (file === undefined || file === '') {
    abs = path.join(dir, DEFAULT_DOCKERFILE);
    const lower = path.join(dir, DEFAULT_DOCKERFILE.toLowerCase());
    if (!(await exists(abs)) && (await exists(lower))) abs = lower;
  } else {
    abs = path.resolve(file);
  }
  let real: string;
  try {
    real = await fsp.realpath(abs);
  } catch (err) {
    if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
    throw prepareError(`unable to evaluate symlinks in Dockerfile path: lstat ${await firstMissing(abs)}: no such file or directory`);
  }
  return path.relative(dir, real);
}

const exists = (p: string): Promise<boolean> => fsp.lstat(p).then(() => true, () => false);

/** The shortest prefix of p that does not exist (what Go's EvalSymlinks names). */
async function firstMissing(p: string): Promise<string> {
  const parts = p.split('/');
  for (let i = 2; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    if (!(await exists(prefix))) return prefix;
  }
  return p;
}

const STEP_LINE = /^Step \d+\/\d+ : /;
const DONE_LINE = 'Successfully built ';

/** A duration for the step timing lines: "0.42s", "12.41s", "2m05.3s", "1h02m05s". */
export function formatStepDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(2)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${(s % 60).toFixed(1).padStart(4, '0')}s`;
  const whole = Math.floor(s);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(whole / 3600)}h${pad(Math.floor(whole / 60) % 60)}m${pad(whole % 60)}s`;
}

/**
 * Displays the build's JSON message stream and times each step (see the
 * file comment). Lifecycle: handle() every message in order → end(). An
 * error message ends the current step and throws StatusError. In quiet mode
 * nothing is written; the text is kept in `buffered` for an error report.
 */
/** How much of a failing step's output the error repeats. */
const TAIL_LINES = 5;
const TAIL_BYTES = 8192;

export class BuildProgress {
  imageId: string | undefined;
  buffered = '';
  readonly #out: Writable;
  readonly #quiet: boolean;
  readonly #now: () => number;
  #stepStart: number | undefined;
  #atLineStart = true;
  #stepHeader: string | undefined;
  #stepOutput = '';

  constructor(out: Writable, options: { quiet: boolean; now?: () => number }) {
    this.#out = out;
    this.#quiet = options.quiet;
    this.#now = options.now ?? (() => performance.now());
  }

  handle(m: JsonMessage): void {
    const message = m.errorDetail?.message ?? m.error;
    if (message !== undefined) {
      this.end();
      const code = m.errorDetail?.code;
      throw new StatusError(code !== undefined && Number.isInteger(code) && code > 0 && code < 256 ? code : 1, message + this.#failedStep());
    }
    const id = m.aux?.['ID'];
    if (typeof id === 'string') this.imageId = id;
    if (m.stream !== undefined) this.#stream(m.stream);
    else {
      const line = formatJsonMessage(m);
      if (line !== undefined) this.#write(line);
    }
  }

  /** Which step failed and the last lines it printed, for the error message (the output may have scrolled away). */
  #failedStep(): string {
    if (this.#stepHeader === undefined) return '';
    const tail = this.#stepOutput.split('\n').filter((l) => l !== '' && !STEP_LINE.test(l) && !l.startsWith(' ---> ') && !l.startsWith('Removing intermediate container '));
    const last = tail.slice(-TAIL_LINES);
    return `\n  at ${this.#stepHeader}` + (last.length > 0 ? `\n  last output:\n${last.map((l) => `    ${l}`).join('\n')}` : '');
  }

  /** The stream ended: time the step still running. */
  end(): void {
    if (this.#stepStart === undefined) return;
    const took = formatStepDuration(this.#now() - this.#stepStart);
    this.#stepStart = undefined;
    if (!this.#quiet) this.#write(`${this.#atLineStart ? '' : '\n'} ---> took ${took}\n`);
  }

  /** Writes stream text, closing and opening steps at the lines that start them. */
  #stream(text: string): void {
    const lineStarts: number[] = this.#atLineStart ? [0] : [];
    for (let nl = text.indexOf('\n'); nl >= 0 && nl + 1 < text.length; nl = text.indexOf('\n', nl + 1)) lineStarts.push(nl + 1);
    let from = 0;
    for (const at of lineStarts) {
      const line = text.slice(at, at + 64);
      const isStep = STEP_LINE.test(line);
      if (!isStep && !line.startsWith(DONE_LINE)) continue;
      this.#write(text.slice(from, at));
      from = at;
      this.end();
      if (isStep) {
        this.#stepStart = this.#now();
        const nl = text.indexOf('\n', at);
        this.#stepHeader = text.slice(at, nl < 0 ? undefined : nl);
        this.#stepOutput = '';
      }
    }
    this.#write(text.slice(from));
    this.#stepOutput = (this.#stepOutput + text.slice(from)).slice(-TAIL_BYTES);
  }

  #write(s: string): void {
    if (s === '') return;
    this.#atLineStart = s.endsWith('\n');
    if (this.#quiet) this.buffered += s;
    else this.#out.write(s);
  }
}
