/**
 * The parse tree of a Go template (text/template/parse/node.go), and how each
 * node prints itself: execution errors quote the node ("at <.Nope>"), so the
 * text must be Go's.
 */

export interface FieldNode { type: 'field'; pos: number; ident: string[] }
export interface VariableNode { type: 'variable'; pos: number; ident: string[] }
export interface DotNode { type: 'dot'; pos: number }
export interface NilNode { type: 'nil'; pos: number }
export interface BoolNode { type: 'bool'; pos: number; value: boolean }
export interface NumberNode { type: 'number'; pos: number; text: string; value: number; isFloat: boolean }
export interface StringNode { type: 'string'; pos: number; quoted: string; text: string }
export interface IdentifierNode { type: 'identifier'; pos: number; name: string }
export interface ChainNode { type: 'chain'; pos: number; node: ArgNode; field: string[] }
export interface CommandNode { type: 'command'; pos: number; args: ArgNode[] }
export interface PipeNode {
  type: 'pipe';
  pos: number;
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}

/** What may appear as an operand of a command. */
export type ArgNode =
  | FieldNode | VariableNode | DotNode | NilNode | BoolNode | NumberNode
  | StringNode | IdentifierNode | ChainNode | PipeNode;

export interface TextNode { type: 'text'; pos: number; text: string }
export interface ActionNode { type: 'action'; pos: number; line: number; pipe: PipeNode }
export interface ListNode { type: 'list'; pos: number; nodes: Node[] }
export interface BranchNode {
  type: 'if' | 'with' | 'range';
  pos: number;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}
export interface LoopControlNode { type: 'break' | 'continue'; pos: number; line: number }
/** Only seen while parsing: the {{end}} and {{else}} that close a list. */
export interface EndNode { type: 'end' | 'else'; pos: number; line: number }

export type Node = TextNode | ActionNode | ListNode | BranchNode | LoopControlNode | EndNode;

function argString(n: ArgNode): string {
  return n.type === 'pipe' ? `(${nodeString(n)})` : nodeString(n);
}

/** The node as Go's String() writes it. */
export function nodeString(n: Node | ArgNode | CommandNode): string {
  switch (n.type) {
    case 'field': return '.' + n.ident.join('.');
    case 'variable': return n.ident.join('.');
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return String(n.value);
    case 'number': return n.text;
    case 'string': return n.quoted;
    case 'identifier': return n.name;
    case 'chain': return argString(n.node) + '.' + n.field.join('.');
    case 'command': return n.args.map(argString).join(' ');
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'text': return n.text;
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'list': return n.nodes.map(nodeString).join('');
    case 'if':
    case 'with':
    case 'range': {
      const els = n.elseList ? `{{else}}${nodeString(n.elseList)}` : '';
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${els}{{end}}`;
    }
    case 'break':
    case 'continue':
    case 'end':
    case 'else':
      return `{{${n.type}}}`;
  }
}
