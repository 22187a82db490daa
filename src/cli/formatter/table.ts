/**
 * docker/cli's formatter.Context.Write: rows rendered with a --format string.
 *
 *   "table {{.ID}}\t{{.Image}}"  a header row (the same template run on the
 *                                column names) and the rows, aligned with
 *                                tabwriter(10, 1, 3, ' ')
 *   "json"                       `{{json .}}` per row (docker ≥ 23)
 *   anything else                the template per row, each followed by "\n"
 *
 * As in docker, "table" is matched as a prefix, spaces around the template are
 * trimmed, and the two-character sequences `\t` and `\n` become tab and newline.
 * Errors are InvalidArgumentError("template parsing error: template: …").
 */
import { InvalidArgumentError } from '../../errors.js';
import { compileTemplate, DOCKER_HEADER_FUNCS, type CompiledTemplate } from './go-template.js';
import { alignTabs, DOCKER_TABLE_OPTIONS } from './tabwriter.js';

export const TABLE_FORMAT_KEY = 'table';
export const JSON_FORMAT_KEY = 'json';
export const JSON_FORMAT = '{{json .}}';

/** docker's Format.IsTable: the format starts with "table". */
export function isTableFormat(format: string): boolean {
  return format.startsWith(TABLE_FORMAT_KEY);
}

/** docker's Format.IsJSON: exactly "json" (not a `{{json …}}` template). */
export function isJsonFormat(format: string): boolean {
  return format === JSON_FORMAT_KEY;
}

/** docker's Format.templateString: the Go template a --format value stands for. */
export function templateString(format: string): string {
  if (format === TABLE_FORMAT_KEY) return '';
  if (format === JSON_FORMAT_KEY) return JSON_FORMAT;
  let out = isTableFormat(format) ? format.slice(TABLE_FORMAT_KEY.length) : format;
  out = out.replace(/^ +| +$/g, '');
  return out.replace(/\\t|\\n/g, (m) => (m === '\\t' ? '\t' : '\n'));
}

function parsingError(err: unknown): never {
  if (err instanceof InvalidArgumentError) {
    throw new InvalidArgumentError(`template parsing error: ${err.message}`, { cause: err });
  }
  throw err;
}

/**
 * Renders rows as `docker ps/images/… --format FORMAT` prints them. `headers`
 * maps field names to column titles ({ID: "CONTAINER ID"}); it is used only
 * for table formats, as a Go map (a field it lacks prints "<no value>").
 */
export function renderTable(format: string, rows: readonly unknown[], headers: Readonly<Record<string, string>>): string {
  let tmpl: CompiledTemplate;
  try {
    tmpl = compileTemplate(templateString(format));
  } catch (err) {
    parsingError(err);
  }
  let body = '';
  for (const row of rows) {
    try {
      body += tmpl(row) + '\n';
    } catch (err) {
      parsingError(err);
    }
  }
  if (!isTableFormat(format)) return body;
  // docker ignores a header error: the header keeps what was written before it.
  const header = tmpl.execute(new Map(Object.entries(headers)), { funcs: DOCKER_HEADER_FUNCS }).output;
  return alignTabs(`${header}\n${body}`, DOCKER_TABLE_OPTIONS);
}
