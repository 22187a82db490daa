/**
 * Runs a parsed Go template on JS data (text/template/exec.go), with Go's
 * semantics and error texts:
 *
 *   template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type *ContainerContext
 *
 * How JS data is seen (see go-fmt.ts for the kinds):
 * - a class instance is a struct: `.X` reads a property or getter, or calls a
 *   method X with the arguments given (`{{.Label "k"}}`); a missing field is an error;
 * - a Map is a Go map: a missing key is "no value", printed "<no value>";
 * - a plain object is a struct by default, or a map with `objects: 'map'`
 *   (docker inspect falls back to a map of the raw JSON, hence "<no value>");
 * - undefined is Go's invalid value ("<no value>"), null is nil;
 * - range walks arrays, Maps and plain objects (keys sorted, as Go ranges over
 *   maps) and integers (Go 1.22); nil and undefined are empty.
 */
import { InvalidArgumentError } from '../../errors.js';
import { quote } from '../../units/go-strconv.js';
import { formatArg, goTypeName, isMapLike, sortedEntries } from './go-fmt.js';
import { truth, type FuncSpec, type ParamKind } from './go-template-funcs.js';
import type { ArgNode, BranchNode, CommandNode, FieldNode, ListNode, Node, PipeNode, VariableNode } from './go-template-nodes.js';
import { nodeString } from './go-template-nodes.js';

/**
 * How plain objects behave: as structs (missing field = error), as maps
 * (missing key = no value), or as maps under Go's Option("missingkey=error")
 * (missing key = "map has no entry for key", docker inspect's raw fallback).
 */
export type ObjectMode = 'struct' | 'map' | 'map-missingkey-error';

/** The value fed into the next command of a pipeline; absent for the first. */
const MISSING = Symbol('missing');
type Final = unknown | typeof MISSING;

class LoopSignal {
  constructor(readonly kind: 'break' | 'continue') {}
}

/**
 * One execution of a template. Like Go's Execute, output written before an
 * error stays written: `out` holds it after run() throws.
 */
export class Executor {
  out = '';
  #node: Node | ArgNode | CommandNode | undefined;
  #vars: { name: string; value: unknown }[] = [];

  constructor(
    private readonly text: string,
    private readonly funcs: ReadonlyMap<string, FuncSpec>,
    private readonly objects: ObjectMode,
  ) {}

  run(root: ListNode, data: unknown): string {
    this.#vars = [{ name: '$', value: data }];
    this.#walk(data, root);
    return this.out;
  }

  #errorf(message: string): never {
    const node = this.#node;
    if (node === undefined) throw new InvalidArgumentError(`template: : ${message}`);
    const before = this.text.slice(0, node.pos);
    const nl = before.lastIndexOf('\n');
    const line = before.split('\n').length;
    const col = Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1), 'utf8');
    throw new InvalidArgumentError(`template: :${line}:${col}: executing "" at <${nodeString(node)}>: ${message}`);
  }

  #walk(dot: unknown, node: Node): void {
    this.#node = node;
    switch (node.type) {
      case 'text':
        this.out += node.text;
        return;
      case 'action': {
        const val = this.#evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.#printValue(node, val);
        return;
      }
      case 'list':
        for (const n of node.nodes) this.#walk(dot, n);
        return;
      case 'if':
      case 'with':
        return this.#walkIfOrWith(dot, node);
      case 'range':
        return this.#walkRange(dot, node);
      case 'break':
      case 'continue':
        throw new LoopSignal(node.type);
      default:
        this.#errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  #walkIfOrWith(dot: unknown, node: BranchNode): void {
    const mark = this.#vars.length;
    try {
      const val = this.#evalPipeline(dot, node.pipe);
      if (truth(val)) this.#walk(node.type === 'with' ? val : dot, node.list);
      else if (node.elseList) this.#walk(dot, node.elseList);
    } finally {
      this.#vars.length = mark;
    }
  }

  #walkRange(dot: unknown, node: BranchNode): void {
    this.#node = node;
    const outer = this.#vars.length;
    try {
      const val = this.#evalPipeline(dot, node.pipe);
      const mark = this.#vars.length;
      const decl = node.pipe.decl.length;
      let items: [unknown, unknown][];
      if (val === undefined || val === null) items = [];
      else if (Array.isArray(val)) items = val.map((e, i) => [i, e]);
      else if (isMapLike(val)) items = sortedEntries(val);
      else if (typeof val === 'number' && Number.isInteger(val)) {
        if (decl > 1) this.#errorf(`can't use ${val} to iterate over more than one variable`);
        items = Array.from({ length: Math.max(0, val) }, (_, i) => [i, i]);
      } else this.#errorf(`range can't iterate over ${formatArg(val, 'v')}`);
      for (const [key, elem] of items) {
        if (decl > 0) this.#vars[this.#vars.length - 1]!.value = elem;
        if (decl > 1) this.#vars[this.#vars.length - 2]!.value = key;
        try {
          this.#walk(elem, node.list);
        } catch (err) {
          if (!(err instanceof LoopSignal)) throw err;
          if (err.kind === 'break') break;
        } finally {
          this.#vars.length = mark;
        }
      }
      if (items.length === 0 && node.elseList) this.#walk(dot, node.elseList);
    } finally {
      this.#vars.length = outer;
    }
  }

  #printValue(node: Node, v: unknown): void {
    this.#node = node;
    if (v === undefined) {
      this.out += '<no value>';
      return;
    }
    if (typeof v === 'function') this.#errorf(`can't print ${nodeString(node)} of type func()`);
    this.out += formatArg(v, 'v');
  }

  #evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.#node = pipe;
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.#evalCommand(dot, cmd, value);
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.#setVar(v.ident[0]!, value);
      else this.#vars.push({ name: v.ident[0]!, value });
    }
    return value;
  }

  #setVar(name: string, value: unknown): void {
    for (let i = this.#vars.length - 1; i >= 0; i--) {
      if (this.#vars[i]!.name === name) {
        this.#vars[i]!.value = value;
        return;
      }
    }
    this.#errorf(`undefined variable: ${name}`);
  }

  #varValue(name: string): unknown {
    for (let i = this.#vars.length - 1; i >= 0; i--) if (this.#vars[i]!.name === name) return this.#vars[i]!.value;
    this.#errorf(`undefined variable: ${name}`);
  }

  #notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.#errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  #evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.#evalFieldNode(dot, first, cmd.args, final);
      case 'chain': {
        this.#node = first;
        if (first.node.type === 'nil') this.#errorf(`indirection through explicit nil in ${nodeString(first)}`);
        const receiver = this.#evalArg(dot, 'value', first.node);
        return this.#evalFieldChain(dot, receiver, first, first.field, cmd.args, final);
      }
      case 'identifier':
        return this.#evalFunction(dot, first.name, first, cmd, cmd.args, final);
      case 'pipe':
        this.#notAFunction(cmd.args, final);
        return this.#evalPipeline(dot, first);
      case 'variable':
        return this.#evalVariableNode(dot, first, cmd.args, final);
    }
    this.#node = first;
    this.#notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'number': return first.value;
      case 'string': return first.text;
      case 'nil': this.#errorf('nil is not a command');
    }
  }

  #evalFieldNode(dot: unknown, field: FieldNode, args: ArgNode[], final: Final): unknown {
    this.#node = field;
    return this.#evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  #evalVariableNode(dot: unknown, v: VariableNode, args: ArgNode[], final: Final): unknown {
    this.#node = v;
    const value = this.#varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.#notAFunction(args, final);
      return value;
    }
    return this.#evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  #evalFieldChain(dot: unknown, receiver: unknown, node: ArgNode, ident: string[], args: ArgNode[], final: Final): unknown {
    for (let i = 0; i < ident.length - 1; i++) receiver = this.#evalField(dot, ident[i]!, node, [], MISSING, receiver);
    return this.#evalField(dot, ident[ident.length - 1]!, node, args, final, receiver);
  }

  #evalField(dot: unknown, name: string, node: ArgNode, args: ArgNode[], final: Final, receiver: unknown): unknown {
    if (receiver === undefined) return undefined;
    if (receiver === null) this.#errorf(`nil pointer evaluating interface {}.${name}`);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (receiver instanceof Map || (this.objects !== 'struct' && isMapLike(receiver))) {
      if (hasArgs) this.#errorf(`${name} is not a method but has arguments`);
      const has = receiver instanceof Map ? receiver.has(name) : Object.hasOwn(receiver, name);
      if (!has && this.objects === 'map-missingkey-error') this.#errorf(`map has no entry for key ${quote(name)}`);
      if (receiver instanceof Map) return receiver.get(name);
      return has ? (receiver as Record<string, unknown>)[name] : undefined;
    }
    if (typeof receiver === 'object' && !Array.isArray(receiver)) {
      const member = this.#lookupMember(receiver, name);
      if (member !== undefined) {
        if (typeof member.value === 'function') {
          const method = member.value as (...a: unknown[]) => unknown;
          return this.#evalCall(dot, { fn: method.bind(receiver), params: Array(method.length).fill('any'), variadic: 'any' }, node, name, args, final, true);
        }
        if (hasArgs) this.#errorf(`${name} has arguments but cannot be invoked as function`);
        return member.value;
      }
    }
    this.#errorf(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  /** A property, getter or method of the object or its classes (never Object.prototype's). */
  #lookupMember(obj: object, name: string): { value: unknown } | undefined {
    if (name === 'constructor') return undefined;
    for (let o: object | null = obj; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      const desc = Object.getOwnPropertyDescriptor(o, name);
      if (desc === undefined) continue;
      if (desc.get === undefined) return { value: desc.value };
      try {
        return { value: desc.get.call(obj) };
      } catch (err) {
        this.#errorf(`error calling ${name}: ${(err as Error).message ?? String(err)}`);
      }
    }
    return undefined;
  }

  #evalFunction(dot: unknown, name: string, node: ArgNode, cmd: CommandNode | ArgNode, args: ArgNode[], final: Final): unknown {
    this.#node = node;
    const fn = this.funcs.get(name);
    if (fn === undefined) this.#errorf(`${quote(name)} is not a defined function`);
    if (name === 'and' || name === 'or') {
      const argNodes = args.slice(1);
      if (argNodes.length + (final === MISSING ? 0 : 1) < 1) this.#errorf(`wrong number of args for ${name}: want at least 1 got 0`);
      let v: unknown;
      for (const a of argNodes) {
        v = this.#evalArg(dot, 'value', a);
        if (truth(v) === (name === 'or')) return v;
      }
      return final === MISSING ? v : final;
    }
    return this.#evalCall(dot, fn, cmd, name, args, final, false);
  }

  #evalCall(dot: unknown, fn: FuncSpec, node: ArgNode | CommandNode, name: string, args: ArgNode[], final: Final, isMethod: boolean): unknown {
    const argNodes = args.slice(1);
    const numIn = argNodes.length + (final === MISSING ? 0 : 1);
    const numFixed = fn.params.length;
    if (isMethod) {
      if (numIn < numFixed) this.#errorf(`wrong number of args for ${name}: want ${numFixed} got ${numIn}`);
    } else if (fn.variadic !== undefined) {
      if (numIn < numFixed) this.#errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${argNodes.length}`);
    } else if (numIn !== numFixed) {
      this.#errorf(`wrong number of args for ${name}: want ${numFixed} got ${numIn}`);
    }
    const kindAt = (i: number): ParamKind => (i < numFixed ? fn.params[i]! : fn.variadic ?? 'any');
    const argv = argNodes.map((a, i) => this.#evalArg(dot, kindAt(i), a));
    if (final !== MISSING) argv.push(this.#validateType(final, kindAt(numIn - 1)));
    try {
      return fn.fn(...argv);
    } catch (err) {
      this.#node = node;
      this.#errorf(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #validateType(value: unknown, kind: ParamKind): unknown {
    if (value === undefined) {
      if (kind === 'value') return undefined;
      if (kind === 'any') return null;
      this.#errorf(`invalid value; expected ${kind}`);
    }
    const ok =
      kind === 'value' || kind === 'any'
      || (kind === 'string' && typeof value === 'string')
      || (kind === 'int' && typeof value === 'number' && Number.isInteger(value))
      || (kind === 'bool' && typeof value === 'boolean');
    if (!ok) this.#errorf(`wrong type for value; expected ${kind}; got ${goTypeName(value)}`);
    return value;
  }

  #evalArg(dot: unknown, kind: ParamKind, n: ArgNode): unknown {
    this.#node = n;
    switch (n.type) {
      case 'dot': return this.#validateType(dot, kind);
      case 'nil':
        if (kind === 'any' || kind === 'value') return null;
        this.#errorf(`cannot assign nil to ${kind}`);
      case 'field': return this.#validateType(this.#evalFieldNode(dot, n, [n], MISSING), kind);
      case 'variable': return this.#validateType(this.#evalVariableNode(dot, n, [], MISSING), kind);
      case 'pipe': return this.#validateType(this.#evalPipeline(dot, n), kind);
      case 'identifier': return this.#validateType(this.#evalFunction(dot, n.name, n, n, [], MISSING), kind);
      case 'chain': return this.#validateType(this.#evalCommand(dot, { type: 'command', pos: n.pos, args: [n] }, MISSING), kind);
    }
    const literal = n.type === 'bool' ? n.value : n.type === 'number' ? n.value : n.text;
    if (kind === 'string' && n.type !== 'string') this.#errorf(`expected string; found ${nodeString(n)}`);
    if (kind === 'int' && !(n.type === 'number' && Number.isInteger(n.value))) this.#errorf(`expected integer; found ${nodeString(n)}`);
    if (kind === 'bool' && n.type !== 'bool') this.#errorf(`expected bool; found ${nodeString(n)}`);
    return literal;
  }
}
