/**
 * Splits a `command:` or `entrypoint:` string into argv the way compose
 * does (go-shellwords without expansion): whitespace separates words,
 * single quotes keep everything, double quotes keep everything but `\"`,
 * `\\` and `\$`, and a backslash outside quotes escapes the next character.
 */
import { InvalidArgumentError } from '../errors.js';

export function splitShellWords(line: string, where: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += c;
      continue;
    }
    if (c === '\\') {
      if (i + 1 < line.length) word += line[++i];
      inWord = true;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    word += c;
    inWord = true;
  }
  if (quote !== undefined) throw new InvalidArgumentError(`${where}: unterminated quote in ${JSON.stringify(line)}`);
  if (inWord) words.push(word);
  return words;
}
