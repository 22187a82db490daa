/**
 * Prints inspected objects the way docker's inspect.Inspect does: without
 * --format, one indented JSON array ("[]" when nothing was found); with
 * --format, the template once per object. Objects that fail are skipped and
 * their errors reported together afterwards (exit 1).
 */
import type { BerthCli } from '../cli-context.js';
import { MultiError } from '../cli-errors.js';
import { compileTemplate } from '../formatter/go-template.js';

export async function printInspect(
  cli: BerthCli,
  refs: readonly string[],
  format: string | undefined,
  getRef: (ref: string) => Promise<unknown>,
): Promise<void> {
  const template = format !== undefined && format !== '' ? compileTemplate(format) : undefined;
  const found: unknown[] = [];
  const errors: unknown[] = [];
  for (const ref of refs) {
    try {
      found.push(await getRef(ref));
    } catch (err) {
      errors.push(err);
    }
  }
  if (template === undefined) {
    cli.out.write(found.length === 0 ? '[]\n' : `${JSON.stringify(found, null, 4)}\n`);
  } else {
    const text = found.map((o) => `${template(o)}\n`).join('');
    cli.out.write(text === '' ? '\n' : text);
  }
  if (errors.length > 0) throw new MultiError(errors);
}
