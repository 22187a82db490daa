/**
 * `.env`, `--env-file` and `env_file:` files as compose reads them
 * (compose-go's dotenv):
 *
 *   KEY=value            unquoted: trimmed, ` #…` starts a comment
 *   export KEY=value     `export ` is ignored
 *   KEY="a\nb ${X}"      double quotes: escapes and interpolation, may span lines
 *   KEY='literal $X'     single quotes: taken as written, may span lines
 *   KEY                  the value from `lookup`, dropped when it has none
 *
 * Unquoted and double-quoted values are interpolated against the variables
 * defined above them in the same file first, then `lookup`.
 */
import { InvalidArgumentError } from '../errors.js';
import { interpolate, type Lookup } from './interpolate.js';

const KEY = /^[A-Za-z_][A-Za-z0-9_.\-[\]]*$/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', $: '$$' };

/** Parses dotenv text; `file` names the source in errors. */
export function parseDotEnv(text: string, lookup: Lookup, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const local: Lookup = (name) => (Object.hasOwn(out, name) ? out[name] : lookup(name));
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let pos = 0;
  let line = 1;
  while (pos < src.length) {
    const eol = src.indexOf('\n', pos);
    const end = eol < 0 ? src.length : eol;
    let row = src.slice(pos, end).replace(/\r$/, '');
    const startLine = line;
    pos = end + 1;
    line++;
    row = row.trimStart();
    if (row === '' || row.startsWith('#')) continue;
    if (row.startsWith('export ')) row = row.slice('export '.length).trimStart();
    const eq = row.indexOf('=');
    const key = (eq < 0 ? row : row.slice(0, eq)).trim();
    if (!KEY.test(key)) throw new InvalidArgumentError(`${file}:${startLine}: invalid variable name ${JSON.stringify(key)}`);
    if (eq < 0) {
      const v = lookup(key);
      if (v !== undefined) out[key] = v;
      continue;
    }
    let value = row.slice(eq + 1).trimStart();
    const quote = value[0];
    if (quote === '"' || quote === "'") {
      // A quoted value may continue on the following lines, up to its closing quote.
      let body = value.slice(1);
      let close = findClose(body, quote);
      while (close < 0 && pos < src.length) {
        const more = src.indexOf('\n', pos);
        const stop = more < 0 ? src.length : more;
        body += `\n${src.slice(pos, stop).replace(/\r$/, '')}`;
        pos = stop + 1;
        line++;
        close = findClose(body, quote);
      }
      if (close < 0) throw new InvalidArgumentError(`${file}:${startLine}: unterminated quoted value for ${key}`);
      const inner = body.slice(0, close);
      out[key] = quote === "'" ? inner : interpolate(unescape(inner), { lookup: local }, `${file}:${startLine}`);
      continue;
    }
    const comment = /\s#/.exec(value);
    if (comment !== null) value = value.slice(0, comment.index);
    if (value.startsWith('#')) value = '';
    out[key] = interpolate(value.trim(), { lookup: local }, `${file}:${startLine}`);
  }
  return out;
}

function findClose(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (quote === '"' && body[i] === '\\') {
      i++;
      continue;
    }
    if (body[i] === quote) return i;
  }
  return -1;
}

/** Backslash escapes of a double-quoted value; `\$` stays a literal $ through interpolation. */
function unescape(s: string): string {
  return s.replace(/\\(.)/g, (m, c: string) => ESCAPES[c] ?? m);
}
