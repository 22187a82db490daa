/**
 * One logical line → one typed Command (BuildKit's line parsers and
 * instructions.Parse together): the keyword picks the rules, flags are
 * checked, arguments are shaped. Nothing is expanded here: the builder
 * expands words when the instruction runs, because ENV and ARG change the
 * environment as the stage goes.
 *
 * Errors are InvalidArgumentErrors in Docker's words; the parser adds the
 * file and line (DockerfileError).
 */
import { InvalidArgumentError } from '../../errors.js';
import { jsonStrings, splitBlanks, splitKeyword, suggest } from './arguments.js';
import { extractFlags, parseFlags, type FlagKind } from './flags.js';
import { HEALTHCHECK_FLAGS, parseHealthcheck } from './healthcheck.js';
import { chompHeredoc, heredocWord } from './heredoc.js';
import type { RawHeredoc } from './line-reader.js';
import { parseNameValues } from './name-values.js';
import { splitWords } from './shell-lex.js';
import type { Command, CommandLine, CopyCommand, FromCommand, Heredoc, SourceSpan } from './types.js';

/** What every instruction rule gets: the line in parts. */
interface Line {
  /** Upper-case keyword ("COPY"). */
  keyword: string;
  flagWords: string[];
  /** The arguments after the flags, trimmed. */
  rest: string;
  base: { span: SourceSpan; original: string };
  escape: string;
  heredocs: RawHeredoc[];
}

type Rule = (line: Line) => Command;

const NO_FLAGS: Record<string, FlagKind> = {};
const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** Turns one logical line (continuations joined, heredoc bodies read) into a Command. */
export function buildCommand(text: string, span: SourceSpan, escape: string, heredocs: RawHeredoc[] = []): Command {
  const { keyword: written, rest: afterKeyword } = splitKeyword(text);
  const keyword = written.toUpperCase();
  const rule = Object.hasOwn(RULES, keyword) ? RULES[keyword] : undefined;
  if (!rule) {
    const hint = suggest(written, Object.keys(RULES), false);
    throw new InvalidArgumentError(`unknown instruction: ${written}${hint ? ` (did you mean ${hint}?)` : ''}`);
  }
  const { flags: flagWords, rest } = extractFlags(afterKeyword, escape);
  return rule({ keyword, flagWords, rest, base: { span, original: text }, escape, heredocs });
}

/** Checks the line's flags against spec, naming the instruction in errors. */
function flagsOf(line: Line, spec: Record<string, FlagKind>): Map<string, string[]> {
  try {
    return parseFlags(line.flagWords, spec);
  } catch (err) {
    throw new InvalidArgumentError(`${line.keyword}: ${(err as Error).message}`, { cause: err });
  }
}

/** The JSON form, or undefined for plain text; "arrays of strings only" named by instruction. */
function json(line: Line): string[] | undefined {
  try {
    return jsonStrings(line.rest);
  } catch (err) {
    throw new InvalidArgumentError(`${line.keyword}: ${(err as Error).message}`, { cause: err });
  }
}

/** RUN/CMD/ENTRYPOINT: the JSON form, else the whole text for the shell ("" when there is none, as Docker). */
function commandLine(line: Line): CommandLine {
  const exec = json(line);
  return exec ? { args: exec, shellForm: false } : { args: [line.rest], shellForm: true };
}

function chomped(heredocs: readonly RawHeredoc[]): Heredoc[] {
  return heredocs.map((h) => ({ name: h.name, content: h.chomp ? chompHeredoc(h.content) : h.content, expand: h.expand, chomp: h.chomp }));
}

function record(flags: Map<string, string[]>, names: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of names) {
    const values = flags.get(name);
    if (values) out[name] = values;
  }
  return out;
}

function exactlyOne(line: Line): string {
  flagsOf(line, NO_FLAGS);
  if (line.rest === '') throw new InvalidArgumentError(`${line.keyword} requires exactly one argument`);
  return line.rest;
}

function atLeastOne(line: Line, args: readonly string[]): void {
  if (args.length === 0) throw new InvalidArgumentError(`${line.keyword} requires at least one argument`);
}

function from(line: Line): FromCommand {
  const flags = flagsOf(line, { platform: 'string' });
  const args = splitBlanks(line.rest);
  let stageName: string | undefined;
  if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
    stageName = args[2]!.toLowerCase();
    if (!VALID_STAGE_NAME.test(stageName)) {
      throw new InvalidArgumentError(`invalid name for build stage: ${JSON.stringify(args[2])}, name can't start with a number or contain symbols`);
    }
  } else if (args.length !== 1) {
    throw new InvalidArgumentError('FROM requires either one or three arguments');
  }
  const cmd: FromCommand = { kind: 'FROM', ...line.base, image: args[0]! };
  if (stageName !== undefined) cmd.stageName = stageName;
  const platform = flags.get('platform')?.[0];
  if (platform !== undefined) cmd.platform = platform;
  return cmd;
}

const COPY_FLAGS: Record<string, FlagKind> = { from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'strings' };
const ADD_FLAGS: Record<string, FlagKind> = {
  chown: 'string',
  chmod: 'string',
  link: 'bool',
  'keep-git-dir': 'bool',
  checksum: 'string',
  unpack: 'bool',
  exclude: 'strings',
};

function copy(line: Line): CopyCommand {
  const kind = line.keyword as 'COPY' | 'ADD';
  const flags = flagsOf(line, kind === 'COPY' ? COPY_FLAGS : ADD_FLAGS);
  const args = json(line) ?? splitBlanks(line.rest);
  if (args.length < 2) {
    throw new InvalidArgumentError(`${kind} requires at least two arguments, but only one was provided. Destination could not be determined`);
  }
  const dest = args[args.length - 1]!;
  if (heredocWord(dest)) throw new InvalidArgumentError(`${kind} cannot accept a heredoc as a destination`);
  // A heredoc word stands for a file named like its delimiter, with the body as content.
  const sources = args.slice(0, -1).map((src) => heredocWord(src)?.name ?? src);
  const cmd: CopyCommand = {
    kind,
    ...line.base,
    sources,
    dest,
    flags: record(flags, ['link', 'parents', 'keep-git-dir', 'checksum', 'unpack', 'exclude']),
    heredocs: chomped(line.heredocs),
  };
  const fromFlag = flags.get('from')?.[0];
  if (fromFlag !== undefined) cmd.from = fromFlag;
  const chown = flags.get('chown')?.[0];
  if (chown !== undefined) cmd.chown = chown;
  const chmod = flags.get('chmod')?.[0];
  if (chmod !== undefined) cmd.chmod = chmod;
  return cmd;
}

function onbuild(line: Line): Command {
  flagsOf(line, NO_FLAGS);
  if (line.rest === '') throw new InvalidArgumentError('ONBUILD requires at least one argument');
  const trigger = splitKeyword(line.rest).keyword.toUpperCase();
  if (trigger === 'ONBUILD') throw new InvalidArgumentError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger === 'FROM' || trigger === 'MAINTAINER') throw new InvalidArgumentError(`${trigger} isn't allowed as an ONBUILD trigger`);
  // The stored trigger: the line without "ONBUILD", keyword upper-cased, then
  // each heredoc body and its delimiter, so it parses again as written.
  const text = line.base.original.replace(/^\s*ONBUILD\s*/i, '');
  const { keyword } = splitKeyword(text);
  let expression = keyword.toUpperCase() + text.slice(keyword.length);
  for (const h of line.heredocs) expression += `\n${h.content}${h.name}`;
  return { kind: 'ONBUILD', ...line.base, expression };
}

const RULES: Record<string, Rule> = {
  FROM: from,
  RUN: (line) => {
    const flags = flagsOf(line, { mount: 'strings', network: 'string', security: 'string' });
    return { kind: 'RUN', ...line.base, cmd: commandLine(line), heredocs: chomped(line.heredocs), flags: record(flags, ['mount', 'network', 'security']) };
  },
  CMD: (line) => (flagsOf(line, NO_FLAGS), { kind: 'CMD', ...line.base, cmd: commandLine(line) }),
  ENTRYPOINT: (line) => (flagsOf(line, NO_FLAGS), { kind: 'ENTRYPOINT', ...line.base, cmd: commandLine(line) }),
  COPY: copy,
  ADD: copy,
  ENV: (line) => (flagsOf(line, NO_FLAGS), { kind: 'ENV', ...line.base, pairs: parseNameValues('ENV', line.rest, line.escape) }),
  LABEL: (line) => (flagsOf(line, NO_FLAGS), { kind: 'LABEL', ...line.base, pairs: parseNameValues('LABEL', line.rest, line.escape) }),
  ARG: (line) => {
    flagsOf(line, NO_FLAGS);
    const words = splitWords(line.rest, line.escape);
    atLeastOne(line, words);
    const args = words.map((word) => {
      const eq = word.indexOf('=');
      if (eq === 0) throw new InvalidArgumentError('ARG names can not be blank');
      return eq < 0 ? { key: word } : { key: word.slice(0, eq), value: word.slice(eq + 1) };
    });
    return { kind: 'ARG', ...line.base, args };
  },
  WORKDIR: (line) => ({ kind: 'WORKDIR', ...line.base, path: exactlyOne(line) }),
  USER: (line) => ({ kind: 'USER', ...line.base, user: exactlyOne(line) }),
  STOPSIGNAL: (line) => ({ kind: 'STOPSIGNAL', ...line.base, signal: exactlyOne(line) }),
  MAINTAINER: (line) => ({ kind: 'MAINTAINER', ...line.base, name: exactlyOne(line) }),
  EXPOSE: (line) => {
    flagsOf(line, NO_FLAGS);
    const ports = splitBlanks(line.rest);
    atLeastOne(line, ports);
    return { kind: 'EXPOSE', ...line.base, ports };
  },
  VOLUME: (line) => {
    flagsOf(line, NO_FLAGS);
    const volumes = (json(line) ?? splitBlanks(line.rest)).map((v) => v.trim());
    atLeastOne(line, volumes);
    if (volumes.includes('')) throw new InvalidArgumentError('VOLUME specified can not be an empty string');
    return { kind: 'VOLUME', ...line.base, volumes };
  },
  SHELL: (line) => {
    flagsOf(line, NO_FLAGS);
    if (line.rest === '') throw new InvalidArgumentError('SHELL requires at least one argument');
    const shell = json(line);
    if (!shell) throw new InvalidArgumentError('SHELL requires the arguments to be in JSON form');
    atLeastOne(line, shell);
    return { kind: 'SHELL', ...line.base, shell };
  },
  HEALTHCHECK: (line) => ({ kind: 'HEALTHCHECK', ...line.base, ...parseHealthcheck(flagsOf(line, HEALTHCHECK_FLAGS), line.rest) }),
  ONBUILD: onbuild,
};
