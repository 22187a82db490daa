/**
 * The parser of Go's text/template (text/template/parse/parse.go): tokens →
 * tree, with Go's checks (undefined functions and variables, {{break}}
 * outside {{range}}, …) and Go's error texts, "template: :LINE: message".
 *
 * Not supported: {{define}}, {{template}}, {{block}} (docker formats never
 * need them) and complex numbers.
 */
import { InvalidArgumentError } from '../../errors.js';
import { lexTemplate, type Token } from './go-template-lexer.js';
import type {
  ArgNode, BranchNode, CommandNode, EndNode, ListNode, Node, NumberNode, PipeNode, VariableNode,
} from './go-template-nodes.js';
import { nodeString } from './go-template-nodes.js';
import { parseNumber, unquoteChar, unquoteString } from './go-template-literals.js';
import { quote } from '../../units/go-strconv.js';

/** Go's item.String(), used in "unexpected X in Y". */
function tokenString(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'error') return t.val;
  if (t.type === 'keyword' || t.type === 'dot') return `<${t.val}>`;
  const chars = [...t.val];
  return chars.length > 10 ? quote(chars.slice(0, 10).join('')) + '...' : quote(t.val);
}

class Parser {
  #tokens: Token[];
  #i = 0;
  #line = 1;
  #vars: string[] = ['$'];
  #rangeDepth = 0;

  constructor(input: string, private readonly hasFunction: (name: string) => boolean) {
    this.#tokens = lexTemplate(input);
  }

  #fail(message: string): never {
    throw new InvalidArgumentError(`template: :${this.#line}: ${message}`);
  }

  #next(): Token {
    const t = this.#tokens[Math.min(this.#i, this.#tokens.length - 1)]!;
    this.#i++;
    this.#line = t.line;
    if (t.type === 'error') this.#fail(t.val);
    return t;
  }

  #backup(n = 1): void {
    this.#i -= n;
  }

  #peek(): Token {
    const t = this.#next();
    this.#backup();
    return t;
  }

  #nextNonSpace(): Token {
    let t = this.#next();
    while (t.type === 'space') t = this.#next();
    return t;
  }

  #peekNonSpace(): Token {
    const t = this.#nextNonSpace();
    this.#backup();
    return t;
  }

  #unexpected(t: Token, context: string): never {
    this.#fail(`unexpected ${tokenString(t)} in ${context}`);
  }

  #expect(type: Token['type'], context: string): Token {
    const t = this.#nextNonSpace();
    if (t.type !== type) this.#unexpected(t, context);
    return t;
  }

  parse(): ListNode {
    const root: ListNode = { type: 'list', pos: 0, nodes: [] };
    while (this.#peek().type !== 'eof') {
      const n = this.#textOrAction();
      if (n.type === 'end' || n.type === 'else') this.#fail(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    return root;
  }

  #itemList(): [ListNode, EndNode] {
    const list: ListNode = { type: 'list', pos: this.#peekNonSpace().pos, nodes: [] };
    while (this.#peekNonSpace().type !== 'eof') {
      const n = this.#textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.#fail('unexpected EOF');
  }

  #textOrAction(): Node {
    const t = this.#nextNonSpace();
    if (t.type === 'text') return { type: 'text', pos: t.pos, text: t.val };
    if (t.type === 'leftDelim') return this.#action();
    this.#unexpected(t, 'input');
  }

  #action(): Node {
    const t = this.#nextNonSpace();
    if (t.type === 'keyword') {
      switch (t.val) {
        case 'if':
        case 'with':
        case 'range':
          return this.#control(t.val);
        case 'else':
          return this.#elseControl(t);
        case 'end':
          return { type: 'end', pos: this.#expect('rightDelim', 'end').pos, line: t.line };
        case 'break':
        case 'continue': {
          const close = this.#nextNonSpace();
          if (close.type !== 'rightDelim') this.#unexpected(close, `{{${t.val}}}`);
          if (this.#rangeDepth === 0) this.#fail(`{{${t.val}}} outside {{range}}`);
          return { type: t.val, pos: t.pos, line: t.line };
        }
        case 'define':
        case 'template':
        case 'block':
          this.#fail(`{{${t.val}}} is not supported`);
      }
    }
    this.#backup();
    const start = this.#peek();
    return { type: 'action', pos: start.pos, line: start.line, pipe: this.#pipeline('command', 'rightDelim') };
  }

  #elseControl(t: Token): EndNode {
    const peek = this.#peekNonSpace();
    // "{{else if …}}" and "{{else with …}}": leave the keyword for the enclosing control.
    if (peek.type === 'keyword' && (peek.val === 'if' || peek.val === 'with')) {
      return { type: 'else', pos: peek.pos, line: peek.line };
    }
    const close = this.#expect('rightDelim', 'else');
    return { type: 'else', pos: close.pos, line: t.line };
  }

  #control(context: 'if' | 'with' | 'range'): BranchNode {
    const mark = this.#vars.length;
    try {
      const pipe = this.#pipeline(context, 'rightDelim');
      if (context === 'range') this.#rangeDepth++;
      let [list, next] = this.#itemList();
      if (context === 'range') this.#rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.type === 'else') {
        const peek = this.#peek();
        if (context !== 'range' && peek.type === 'keyword' && peek.val === context) {
          this.#next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.#control(context)] };
        } else {
          [elseList, next] = this.#itemList();
          if (next.type !== 'end') this.#fail(`expected end; found ${nodeString(next)}`);
        }
      }
      return { type: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.#vars.length = mark;
    }
  }

  #pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const start = this.#peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: start.pos, line: start.line, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const v = this.#peekNonSpace();
      if (v.type !== 'variable') break;
      const mark = this.#i;
      this.#nextNonSpace();
      const next = this.#peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.#nextNonSpace();
        pipe.decl.push(this.#variable(v.pos, v.val));
        this.#vars.push(v.val);
      } else if (next.type === 'char' && next.val === ',') {
        this.#nextNonSpace();
        pipe.decl.push(this.#variable(v.pos, v.val));
        this.#vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const after = this.#peekNonSpace().type;
          if (after === 'variable' || after === 'rightDelim' || after === 'rightParen') continue;
          this.#fail('range can only initialize variables');
        }
        this.#fail(`too many declarations in ${context}`);
      } else {
        this.#i = mark; // "$x foo": $x is an operand, not a declaration
      }
      break;
    }
    for (;;) {
      const t = this.#nextNonSpace();
      if (t.type === end) {
        this.#checkPipeline(pipe, context);
        return pipe;
      }
      if (['bool', 'charConstant', 'dot', 'field', 'identifier', 'number', 'string', 'rawString', 'variable', 'leftParen'].includes(t.type)
        || (t.type === 'keyword' && t.val === 'nil')) {
        this.#backup();
        pipe.cmds.push(this.#command());
      } else {
        this.#unexpected(t, context);
      }
    }
  }

  #checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.#fail(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0]!.type)) {
        this.#fail(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  #command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.#peekNonSpace().pos, args: [] };
    for (;;) {
      this.#peekNonSpace();
      const operand = this.#operand();
      if (operand !== undefined) cmd.args.push(operand);
      const t = this.#next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.#backup();
      else if (t.type !== 'pipe') this.#unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.#fail('empty command');
    return cmd;
  }

  #operand(): ArgNode | undefined {
    const node = this.#term();
    if (node === undefined || this.#peek().type !== 'field') return node;
    const chainPos = this.#peek().pos;
    const fields: string[] = [];
    while (this.#peek().type === 'field') fields.push(this.#next().val.slice(1));
    switch (node.type) {
      case 'field':
        return { type: 'field', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { type: 'variable', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.#fail(`unexpected . after term ${quote(nodeString(node))}`);
    }
    return { type: 'chain', pos: chainPos, node, field: fields };
  }

  #variable(pos: number, name: string): VariableNode {
    return { type: 'variable', pos, ident: name.split('.') };
  }

  #term(): ArgNode | undefined {
    const t = this.#nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!this.hasFunction(t.val)) this.#fail(`function ${quote(t.val)} not defined`);
        return { type: 'identifier', pos: t.pos, name: t.val };
      case 'dot':
        return { type: 'dot', pos: t.pos };
      case 'keyword':
        if (t.val === 'nil') return { type: 'nil', pos: t.pos };
        break;
      case 'variable':
        if (!this.#vars.includes(t.val)) this.#fail(`undefined variable ${quote(t.val)}`);
        return this.#variable(t.pos, t.val);
      case 'field':
        return { type: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case 'bool':
        return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'number':
      case 'charConstant':
        return this.#number(t);
      case 'leftParen':
        return this.#pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        try {
          return { type: 'string', pos: t.pos, quoted: t.val, text: unquoteString(t.val) };
        } catch (err) {
          this.#fail((err as Error).message);
        }
    }
    this.#backup();
    return undefined;
  }

  #number(t: Token): NumberNode {
    try {
      if (t.type === 'charConstant') return { type: 'number', pos: t.pos, text: t.val, value: unquoteChar(t.val), isFloat: false };
      const { value, isFloat } = parseNumber(t.val);
      return { type: 'number', pos: t.pos, text: t.val, value, isFloat };
    } catch (err) {
      this.#fail((err as Error).message);
    }
  }
}

/** Parses a template; throws InvalidArgumentError("template: :LINE: …") as Go's Parse does. */
export function parseTemplate(input: string, hasFunction: (name: string) => boolean): ListNode {
  return new Parser(input, hasFunction).parse();
}
