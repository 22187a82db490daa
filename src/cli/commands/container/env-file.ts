/**
 * Environment variables from flags and files, as docker/cli reads them
 * (opts.ValidateEnv, pkg/kvfile):
 *
 *   -e K=V      as is
 *   -e K        K=<value from the CLI's environment>, or just K when unset
 *   --env-file  lines "K=V" (kept verbatim, trailing spaces included), "K"
 *               (looked up; dropped when unset), '#' comments, blank lines;
 *               a UTF-8 BOM is skipped; keys may not contain whitespace
 *
 * File entries come first, then -e flags, so flags win in the container.
 */

export type LookupEnv = (name: string) => string | undefined;

/** Parses env-file content; throws with kvfile's wording. */
export function parseEnvFile(content: string, lookup: LookupEnv): string[] {
  const lines: string[] = [];
  const text = content.startsWith('\uFEFF') ? content.slice(1) : content;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (key === '') throw new Error(`no variable name on line '${line}'`);
    if (/[ \t]/.test(key)) throw new Error(`variable '${key}' contains whitespaces`);
    if (eq >= 0) {
      lines.push(line);
      continue;
    }
    const value = lookup(key);
    if (value !== undefined) lines.push(`${key}=${value}`);
  }
  return lines;
}

/** opts.ValidateEnv for one -e value. */
export function resolveEnvFlag(value: string, lookup: LookupEnv): string {
  const eq = value.indexOf('=');
  const key = eq < 0 ? value : value.slice(0, eq);
  if (key === '') throw new Error(`invalid environment variable: ${value}`);
  if (eq >= 0) return value;
  const found = lookup(key);
  return found === undefined ? value : `${key}=${found}`;
}

/**
 * Reads every --env-file then appends the -e values. `readFile` returns the
 * file's text; its errors are reported as Go's "open <path>: …".
 */
export function readEnv(
  files: readonly string[],
  flags: readonly string[],
  lookup: LookupEnv,
  readFile: (path: string) => string,
): string[] {
  const env: string[] = [];
  for (const file of files) {
    let content: string;
    try {
      content = readFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
      throw new Error(`open ${file}: ${reason}`);
    }
    try {
      env.push(...parseEnvFile(content, lookup));
    } catch (err) {
      throw new Error(`invalid env file (${file}): ${(err as Error).message}`);
    }
  }
  for (const f of flags) env.push(resolveEnvFlag(f, lookup));
  return env;
}
