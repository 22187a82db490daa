/**
 * A parsed Dockerfile: what the parser (parser.ts) hands the builder.
 *
 * Lifecycle: text → parseDockerfile() → Dockerfile { metaArgs, stages } →
 * the builder walks each needed stage's commands in order, expanding
 * variables (shell-lex.ts) at dispatch time for the instructions where
 * Docker expands them (the environment changes as ENV and ARG run, so
 * expansion cannot happen at parse time).
 *
 * Every command keeps its source position and its original text: errors
 * name "Dockerfile:12", and the original text is part of the cache key and
 * of the history entry.
 */

/** Where a command came from. */
export interface SourceSpan {
  /** The Dockerfile's name as the user gave it (e.g. "Dockerfile", "build/Dockerfile.prod"). */
  file: string;
  /** 1-based first and last line (continuations and heredocs make a command span lines). */
  startLine: number;
  endLine: number;
}

/** A heredoc body attached to RUN or COPY/ADD (`<<EOF`, `<<-EOF`, `<<"EOF"`). */
export interface Heredoc {
  /** The delimiter word as written, without quotes and dashes ("EOF"). */
  name: string;
  /** The body, with a final newline; tabs stripped when written `<<-`. */
  content: string;
  /** False when the delimiter was quoted: then the body is not variable-expanded. */
  expand: boolean;
  /** `<<-`: leading tabs were removed from each body line. */
  chomp: boolean;
}

/** A command line in exec form (JSON array) or shell form (run through SHELL). */
export interface CommandLine {
  args: string[];
  /** Shell form: `args` is one element, the text to give to the shell ("echo $HOME"). */
  shellForm: boolean;
}

interface Base {
  span: SourceSpan;
  /** The instruction as written, continuations joined, e.g. "RUN apt-get update && make". */
  original: string;
}

export interface FromCommand extends Base {
  kind: 'FROM';
  /** Unexpanded image reference ("busybox", "${BASE}:1", "scratch", or an earlier stage's name). */
  image: string;
  /** `AS name`, lower-cased as Docker does; undefined when unnamed. */
  stageName?: string;
  /** `--platform=…` (accepted, unexpanded). */
  platform?: string;
}

export interface RunCommand extends Base {
  kind: 'RUN';
  cmd: CommandLine;
  heredocs: Heredoc[];
  /** `--mount`, `--network`, `--security` values as written (accepted; the builder may refuse them). */
  flags: Record<string, string[]>;
}

export interface CmdCommand extends Base {
  kind: 'CMD';
  cmd: CommandLine;
}

export interface EntrypointCommand extends Base {
  kind: 'ENTRYPOINT';
  cmd: CommandLine;
}

export interface CopyCommand extends Base {
  kind: 'COPY' | 'ADD';
  /** Unexpanded sources (at least one; heredoc names are sources too) and destination. */
  sources: string[];
  dest: string;
  /** `--from=stage|image|index` (COPY only). */
  from?: string;
  /** `--chown=user:group`, `--chmod=0755` as written. */
  chown?: string;
  chmod?: string;
  /** `--link`, `--parents`, `--keep-git-dir`, `--checksum`, `--exclude` as written (accepted or refused by the builder). */
  flags: Record<string, string[]>;
  heredocs: Heredoc[];
}

export interface KeyValueCommand extends Base {
  kind: 'ENV' | 'LABEL';
  /** Unexpanded key/value pairs in order; the legacy `ENV key value` form gives one pair. */
  pairs: Array<{ key: string; value: string }>;
}

export interface ArgCommand extends Base {
  kind: 'ARG';
  /** `ARG a=1 b` gives [{key:'a', value:'1'}, {key:'b'}]; values unexpanded. */
  args: Array<{ key: string; value?: string }>;
}

export interface WorkdirCommand extends Base {
  kind: 'WORKDIR';
  path: string;
}

export interface UserCommand extends Base {
  kind: 'USER';
  user: string;
}

export interface ExposeCommand extends Base {
  kind: 'EXPOSE';
  /** Unexpanded words ("80", "443/tcp", "${PORT}"). */
  ports: string[];
}

export interface VolumeCommand extends Base {
  kind: 'VOLUME';
  /** From the JSON form or the space-separated words, unexpanded. */
  volumes: string[];
}

export interface StopSignalCommand extends Base {
  kind: 'STOPSIGNAL';
  signal: string;
}

export interface ShellCommand extends Base {
  kind: 'SHELL';
  /** Always the JSON form (Docker refuses the shell form). */
  shell: string[];
}

export interface HealthcheckCommand extends Base {
  kind: 'HEALTHCHECK';
  /**
   * The image config's Healthcheck.Test: ["NONE"], ["CMD", …exec args], or
   * ["CMD-SHELL", "shell text"].
   */
  test: string[];
  /** Durations in nanoseconds as Docker stores them; undefined when not given. */
  interval?: number;
  timeout?: number;
  startPeriod?: number;
  startInterval?: number;
  retries?: number;
}

export interface OnbuildCommand extends Base {
  kind: 'ONBUILD';
  /** The trigger as stored in the image config's OnBuild list, e.g. "RUN echo hi" (keyword upper-cased). */
  expression: string;
}

export interface MaintainerCommand extends Base {
  kind: 'MAINTAINER';
  name: string;
}

export type Command =
  | FromCommand
  | RunCommand
  | CmdCommand
  | EntrypointCommand
  | CopyCommand
  | KeyValueCommand
  | ArgCommand
  | WorkdirCommand
  | UserCommand
  | ExposeCommand
  | VolumeCommand
  | StopSignalCommand
  | ShellCommand
  | HealthcheckCommand
  | OnbuildCommand
  | MaintainerCommand;

/** One build stage: its FROM and the commands after it, up to the next FROM. */
export interface Stage {
  from: FromCommand;
  /** Index in the file (0-based); `--from=0` and `COPY --from=<index>` use it. */
  index: number;
  commands: Command[];
}

export interface Dockerfile {
  /** Parser directives found at the top (`# syntax=…`, `# escape=…`, `# check=…`), lower-case keys. */
  directives: Record<string, string>;
  /** The escape character in effect: "\\" (default) or "`". */
  escape: string;
  /** ARGs before the first FROM: usable in FROM lines, and inside a stage after `ARG name`. */
  metaArgs: ArgCommand[];
  stages: Stage[];
}
