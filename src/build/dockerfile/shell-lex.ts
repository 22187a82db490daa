/**
 * The word rules of Dockerfile arguments: THE one implementation in Berth
 * (BuildKit's `frontend/dockerfile/shell` Lex and the parser's parseWords).
 * The Dockerfile builder and `docker commit --change` both use it.
 *
 * - splitWords: the parser's split of an argument text into words on blanks
 *   outside quotes; quotes and escapes stay in the words (ENV, LABEL, ARG).
 * - expandWord (ProcessWord): removes quotes and escapes and expands
 *   variables in one word; blanks are kept (`ENV A="x  y"`, WORKDIR, COPY).
 * - expandWords (ProcessWords): the same, then splits into fields; blanks
 *   that came from a variable's value split too, quoted ones do not (EXPOSE).
 *
 * Rules: single quotes keep everything literal; inside double quotes the
 * escape character escapes only `"`, `$` and itself (otherwise it stays);
 * outside quotes it escapes any character, and one at the very end is
 * dropped. `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`,
 * `${NAME:+word}`, `${NAME+word}`, `${NAME:?msg}`, `${NAME?msg}`, plus
 * BuildKit's `${NAME#pat}`, `##`, `%`, `%%`, `/pat/repl` and `//pat/repl`.
 * An unset variable expands to "". `$1`, `$@`, `$#`, … are never set.
 *
 * The environment is a Map (name → value); envFromList builds one from
 * "KEY=value" strings (a config's Env), later entries winning.
 */
import { isSpace, WordLexer, type LexOptions } from './shell-word-lexer.js';

export { isSpace, type LexOptions } from './shell-word-lexer.js';

/** Variables visible to an expansion: name → value. */
export type ShellEnv = ReadonlyMap<string, string>;

/** A Map from "KEY=value" strings; "KEY" alone means an empty value; later entries win. */
export function envFromList(list: readonly string[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq < 0) env.set(kv, '');
    else env.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return env;
}

/**
 * Splits argument text into words on blanks outside quotes. Quotes and
 * escapes stay in the words (expandWord removes them later); an escape
 * character at the very end is dropped; an unclosed quote runs to the end
 * (the error comes when the word is expanded).
 */
export function splitWords(text: string, escape = '\\'): string[] {
  const chars = Array.from(text);
  const words: string[] = [];
  let word = '';
  let blankOk = false; // a quoted "" is a word even though it is empty
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  for (let i = 0; i < chars.length; i++) {
    let ch = chars[i]!;
    if (phase === 'spaces') {
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        if (blankOk || word !== '') words.push(word);
        word = '';
        blankOk = false;
        phase = 'spaces';
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
      } else if (ch === escape) {
        if (i + 1 === chars.length) continue;
        word += ch;
        ch = chars[++i]!;
      }
      word += ch;
      continue;
    }
    // In quotes: the escape character means nothing inside single quotes.
    if (ch === quote) {
      phase = 'word';
    } else if (ch === escape && quote !== "'") {
      if (i + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      word += ch;
      ch = chars[++i]!;
    }
    word += ch;
  }
  if (phase !== 'spaces' && (blankOk || word !== '')) words.push(word);
  return words;
}

/** Removes quotes and escapes from one word and expands its variables (BuildKit's ProcessWord). */
export function expandWord(word: string, env: ShellEnv, escape = '\\'): string {
  return lexWord(word, env, { escape });
}

/** Expands text and splits it into fields (BuildKit's ProcessWords): `EXPOSE $PORTS`. */
export function expandWords(text: string, env: ShellEnv, escape = '\\'): string[] {
  return lexWords(text, env, { escape });
}

/**
 * The body of a COPY/ADD heredoc whose delimiter was not quoted, as BuildKit
 * expands it: variables expanded, the backslash (always "\\", whatever the
 * escape directive) escaping the next character, quotes left as they are.
 */
export function expandHeredoc(content: string, env: ShellEnv): string {
  return lexWord(content, env, { skipQuotes: true });
}

/** expandWord with options. */
export function lexWord(word: string, env: ShellEnv, options: LexOptions = {}): string {
  return new WordLexer(word, env, options).run().result;
}

/** expandWords with options. */
export function lexWords(text: string, env: ShellEnv, options: LexOptions = {}): string[] {
  return new WordLexer(text, env, options).run().words;
}

