/**
 * The arguments of ENV and LABEL (and `--change ENV/LABEL`): `name=value`
 * pairs, or the legacy one-pair form `name value with blanks` when the
 * first word has no "=" (BuildKit's parseNameVal). Names and values stay
 * as written, quotes and `$VAR` included: the caller expands each with
 * expandWord when the instruction runs.
 */
import { InvalidArgumentError } from '../../errors.js';
import { splitKeyword } from './arguments.js';
import { splitWords } from './shell-lex.js';

export interface NameValue {
  key: string;
  value: string;
}

/** Pairs of `rest` for instruction (its name is used in errors); throws InvalidArgumentError. */
export function parseNameValues(instruction: string, rest: string, escape = '\\'): NameValue[] {
  const words = splitWords(rest, escape);
  if (words.length === 0) throw new InvalidArgumentError(`${instruction} requires at least one argument`);
  let pairs: NameValue[];
  if (!words[0]!.includes('=')) {
    // Legacy form: the first blank ends the name, the value is the rest as written.
    const { keyword: key, rest: value } = splitKeyword(rest);
    if (value === '') throw new InvalidArgumentError(`${instruction} must have two arguments`);
    pairs = [{ key, value }];
  } else {
    pairs = words.map((word) => {
      const eq = word.indexOf('=');
      if (eq < 0) {
        throw new InvalidArgumentError(
          `${instruction}: syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`,
        );
      }
      return { key: word.slice(0, eq), value: word.slice(eq + 1) };
    });
  }
  if (pairs.some((p) => p.key === '')) throw new InvalidArgumentError(`${instruction} names can not be blank`);
  return pairs;
}
