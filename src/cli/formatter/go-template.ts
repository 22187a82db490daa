/**
 * Go text/template for docker's `--format`: compile once, execute per row.
 *
 *   const t = compileTemplate('{{.ID}}\t{{join .Names ","}}');
 *   t(row)                        // → string, or throws InvalidArgumentError
 *   t.execute(row)                // → { output, error? }: Go keeps what was written before an error
 *   t(headers, { objects: 'map', funcs: DOCKER_HEADER_FUNCS })   // a table header row
 *
 * Supported: text, {{pipeline}}, fields and chains (.A.B, $x.A, (pipe).A),
 * method calls (.Label "k"), variables ($x := …, $x = …), if/else if/else,
 * with/else with, range (arrays, maps sorted by key, integers) with
 * break/continue and else, comments, {{- -}} trimming, Go's builtin
 * functions and docker's (json, split, join, title, lower, upper, pad,
 * truncate). Not supported: define/template/block.
 *
 * Errors are InvalidArgumentError with Go's text, e.g.
 *   template: :1: function "nope" not defined
 *   template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type *ContainerContext
 * docker prefixes both with "template parsing error: " (see table.ts).
 */
import { InvalidArgumentError } from '../../errors.js';
import { Executor, type ObjectMode } from './go-template-exec.js';
import { BUILTIN_FUNCS, DOCKER_FUNCS, type FuncSpec } from './go-template-funcs.js';
import { parseTemplate } from './go-template-parser.js';

export type { FuncSpec, ParamKind } from './go-template-funcs.js';
export { DOCKER_HEADER_FUNCS } from './go-template-funcs.js';
export type { ObjectMode } from './go-template-exec.js';

/** A template function: a plain JS function (any arguments), or a spec with Go-like parameter kinds. */
export type TemplateFunction = ((...args: any[]) => unknown) | FuncSpec;

export interface CompileOptions {
  /** Functions beyond Go's and docker's; they may replace those of the same name. */
  funcs?: Readonly<Record<string, TemplateFunction>> | ReadonlyMap<string, TemplateFunction>;
}

export interface ExecuteOptions {
  /**
   * 'struct' (default): a plain object is a Go struct, a missing field is an
   * error. 'map': a plain object is a Go map, a missing key prints "<no value>".
   * 'map-missingkey-error': a map whose missing keys are errors.
   */
  objects?: ObjectMode;
  /** Functions to use instead of those of the same name for this execution (docker's header functions). */
  funcs?: Readonly<Record<string, TemplateFunction>> | ReadonlyMap<string, TemplateFunction>;
}

export interface ExecuteResult {
  output: string;
  error?: InvalidArgumentError;
}

export interface CompiledTemplate {
  /** Executes on `data`; throws InvalidArgumentError on an execution error. */
  (data: unknown, options?: ExecuteOptions): string;
  /** Executes on `data`, keeping the output written before an error (as Go's Execute does). */
  execute(data: unknown, options?: ExecuteOptions): ExecuteResult;
  readonly source: string;
}

function toSpec(f: TemplateFunction): FuncSpec {
  if (typeof f !== 'function') return f;
  return { fn: f, params: Array(f.length).fill('any'), variadic: 'any' };
}

function entries(funcs: CompileOptions['funcs']): [string, FuncSpec][] {
  if (funcs === undefined) return [];
  const list = funcs instanceof Map ? [...funcs] : Object.entries(funcs);
  return list.map(([name, f]) => [name, toSpec(f as TemplateFunction)]);
}

/** Parses `format` once (throwing InvalidArgumentError on a syntax error) and returns its executor. */
export function compileTemplate(format: string, options: CompileOptions = {}): CompiledTemplate {
  const funcs = new Map<string, FuncSpec>([...BUILTIN_FUNCS, ...DOCKER_FUNCS, ...entries(options.funcs)]);
  const root = parseTemplate(format, (name) => funcs.has(name));

  const execute = (data: unknown, opts: ExecuteOptions = {}): ExecuteResult => {
    const runFuncs = opts.funcs === undefined ? funcs : new Map([...funcs, ...entries(opts.funcs)]);
    const exec = new Executor(format, runFuncs, opts.objects ?? 'struct');
    try {
      return { output: exec.run(root, data) };
    } catch (err) {
      if (err instanceof InvalidArgumentError) return { output: exec.out, error: err };
      throw err;
    }
  };
  const run = (data: unknown, opts?: ExecuteOptions): string => {
    const { output, error } = execute(data, opts);
    if (error) throw error;
    return output;
  };
  return Object.assign(run, { execute, source: format });
}
