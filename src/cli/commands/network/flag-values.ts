/**
 * The pflag value types the network commands use that flags.ts does not
 * have, with pflag's and docker's opts wording on error:
 *
 *   sliceOption     StringSlice: each use is one CSV record ("a,b" is two values)
 *   keyValueOption  opts.MapOpts: KEY=VALUE (or KEY alone, value ""), last one wins
 *   checkedList     opts.ListOpts with a validator (labels, links)
 */
import { Option } from 'commander';
import { invalidValue } from '../flags.js';

/**
 * One CSV record as Go's encoding/csv reads it (pflag's readAsCSV): fields
 * split on commas, a field may be double-quoted with "" for a quote inside.
 */
export function parseCsvRecord(value: string): string[] {
  if (value === '') return [];
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    const start = i;
    if (value[i] === '"') {
      i++;
      for (;;) {
        const q = value.indexOf('"', i);
        if (q < 0) throw new Error(`parse error on line 1, column ${value.length + 1}: extraneous or missing " in quoted-field`);
        field += value.slice(i, q);
        i = q + 1;
        if (value[i] === '"') {
          field += '"';
          i++;
          continue;
        }
        if (i < value.length && value[i] !== ',') {
          throw new Error(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
        }
        break;
      }
    } else {
      const comma = value.indexOf(',', i);
      field = comma < 0 ? value.slice(i) : value.slice(i, comma);
      const quote = field.indexOf('"');
      if (quote >= 0) throw new Error(`parse error on line 1, column ${start + quote + 1}: bare " in non-quoted-field`);
      i = comma < 0 ? value.length : comma;
    }
    fields.push(field);
    if (i >= value.length) return fields;
    i++; // the comma
  }
}

/** A pflag StringSlice flag: repeatable, and each value may hold several, comma-separated. */
export function sliceOption(flags: string, description: string): Option {
  const option = new Option(flags, description);
  return option.argParser((v: string, prev: string[] | undefined) => {
    try {
      return [...(prev ?? []), ...parseCsvRecord(v)];
    } catch (err) {
      throw invalidValue(option, v, (err as Error).message);
    }
  });
}

/** docker's opts.MapOpts: repeatable KEY=VALUE into a map; "KEY" alone maps to "". */
export function keyValueOption(flags: string, description: string): Option {
  return new Option(flags, description).argParser((v: string, prev: Record<string, string> | undefined) => {
    const eq = v.indexOf('=');
    return { ...(prev ?? {}), [eq < 0 ? v : v.slice(0, eq)]: eq < 0 ? '' : v.slice(eq + 1) };
  });
}

/** A repeatable flag whose values are checked one by one (docker's ListOpts with a validator). */
export function checkedList(flags: string, description: string, check: (v: string) => string | undefined): Option {
  const option = new Option(flags, description);
  return option.argParser((v: string, prev: string[] | undefined) => {
    const reason = check(v);
    if (reason !== undefined) throw invalidValue(option, v, reason);
    return [...(prev ?? []), v];
  });
}

const WHITESPACE = /[ \t\r\n\v\f]/;

/** docker's opts.ValidateLabel: a non-empty key without whitespace; the value may be anything. */
export function labelProblem(v: string): string | undefined {
  const key = v.split('=')[0]!.replace(/^[ \t\r\n\v\f]+/, '');
  if (key === '') return `invalid label '${v}': empty name`;
  if (WHITESPACE.test(key)) return `label '${key}' contains whitespaces`;
  return undefined;
}

/** docker's opts.ValidateLink: "name" or "name:alias". */
export function linkProblem(v: string): string | undefined {
  if (v === '') return 'empty string specified for links';
  if (v.split(':').length > 2) return `bad format for links: ${v}`;
  return undefined;
}

/** docker's ConvertKVStringsToMap: "k=v" → k: v, "k" → k: "". */
export function keyValueMap(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    out[eq < 0 ? v : v.slice(0, eq)] = eq < 0 ? '' : v.slice(eq + 1);
  }
  return out;
}

/** A map with its keys in the order Go's encoding/json writes them (sorted). */
export function sortedKeys(m: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
