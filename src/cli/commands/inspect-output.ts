/**
 * Prints inspected objects the way docker's inspect.Inspect does: without
 * --format, one indented JSON array ("[]" when nothing was found); with
 * --format, the template once per object. Objects that fail are skipped and
 * their errors reported together afterwards (exit 1).
 *
 * An object given as TypedInspect is seen as docker sees it: the template
 * runs on the typed (Go struct) view, and when that fails, on the raw JSON as
 * a map whose missing keys are errors (inspect.TemplateInspector's fallback).
 */
import type { BerthCli } from '../cli-context.js';
import { MultiError, StatusError } from '../cli-errors.js';
import { InvalidArgumentError } from '../../errors.js';
import { compileTemplate, type CompiledTemplate } from '../formatter/go-template.js';

/** An inspected object as a Go struct (typed) and as the JSON the daemon sent (raw). */
export class TypedInspect {
  constructor(
    readonly typed: unknown,
    readonly raw: unknown,
  ) {}
}

export async function printInspect(
  cli: BerthCli,
  refs: readonly string[],
  format: string | undefined,
  getRef: (ref: string) => Promise<unknown>,
): Promise<void> {
  let template: CompiledTemplate | undefined;
  try {
    template = format !== undefined && format !== '' ? compileTemplate(format) : undefined;
  } catch (err) {
    // docker: a template that does not parse exits 64 before anything is fetched.
    throw new StatusError(64, `template parsing error: ${(err as Error).message}`);
  }
  const found: unknown[] = [];
  const errors: unknown[] = [];
  let text = '';
  for (const ref of refs) {
    let o: unknown;
    try {
      o = await getRef(ref);
    } catch (err) {
      errors.push(err);
      continue;
    }
    found.push(o instanceof TypedInspect ? o.raw : o);
    if (template === undefined) continue;
    if (!(o instanceof TypedInspect)) {
      text += `${template(o)}\n`;
      continue;
    }
    const typed = template.execute(o.typed);
    const result = typed.error === undefined ? typed : template.execute(o.raw, { objects: 'map-missingkey-error' });
    if (result.error !== undefined) errors.push(new InvalidArgumentError(`template parsing error: ${result.error.message}`));
    else text += `${result.output}\n`;
  }
  if (template === undefined) cli.out.write(found.length === 0 ? '[]\n' : `${JSON.stringify(found, null, 4)}\n`);
  else cli.out.write(text === '' ? '\n' : text);
  if (errors.length > 0) throw new MultiError(errors);
}
