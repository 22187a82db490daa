import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../errors.js';
import { compileTemplate, DOCKER_HEADER_FUNCS, type ExecuteOptions } from './go-template.js';

const run = (format: string, data?: unknown, options?: ExecuteOptions) => compileTemplate(format)(data, options);

function fails(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => err instanceof InvalidArgumentError && err.message === message, message);
}
const parseFails = (format: string, message: string) => fails(() => compileTemplate(format), message);
const execFails = (format: string, data: unknown, message: string, options?: ExecuteOptions) => fails(() => run(format, data, options), message);

class ContainerContext {
  readonly #labels = new Map([['com.example.tier', 'web']]);
  get ID() {
    return '4f3a2b1c0d9e';
  }
  get Names() {
    return 'web';
  }
  Label(name: string) {
    return this.#labels.get(name) ?? '';
  }
  get Broken(): string {
    throw new Error('boom');
  }
}

const DATA = {
  Name: 'web',
  Names: ['a', 'b'],
  Labels: { z: '1', a: '2' },
  Count: 3,
  Ratio: 1.5,
  Nil: null,
  Nested: { Inner: { Value: 'deep' } },
  Empty: [],
  Html: '<b>&</b>',
};

test('fields, chains and dot print with %v', () => {
  assert.equal(run('{{.Name}} {{.Nested.Inner.Value}} {{.Count}} {{.Ratio}}', DATA), 'web deep 3 1.5');
  assert.equal(run('{{.Names}} {{.Labels}} {{.Nil}} {{.Empty}}', DATA), '[a b] map[a:2 z:1] <nil> []');
  assert.equal(run('{{.}}', 'plain'), 'plain');
  assert.equal(run('{{.}}'), '<no value>');
  assert.equal(run('{{(.Nested.Inner).Value}}', DATA), 'deep');
  assert.equal(run('{{$.Name}} {{$}}', { Name: 'x' }), 'x map[Name:x]');
});

test('a class instance is a struct: getters are fields, methods take arguments', () => {
  const c = new ContainerContext();
  assert.equal(run('{{.ID}} {{.Names}} {{.Label "com.example.tier"}} {{"com.example.tier" | .Label}}|{{.Label "none"}}|', c), '4f3a2b1c0d9e web web web||');
  execFails('{{.Nope}}', c, 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *ContainerContext');
  execFails('{{.Label}}', c, 'template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 0');
  execFails('{{.Broken}}', c, 'template: :1:2: executing "" at <.Broken>: error calling Broken: boom');
  execFails('{{.constructor}}', c, 'template: :1:2: executing "" at <.constructor>: can\'t evaluate field constructor in type *ContainerContext');
  execFails('{{.ID "x"}}', c, 'template: :1:2: executing "" at <.ID>: ID has arguments but cannot be invoked as function');
});

test('plain objects are structs by default and maps on request; Maps are always maps', () => {
  execFails('{{.Nope}}', DATA, 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type map[string]interface {}');
  assert.equal(run('{{.Nope}} {{.Nope.Deeper}}', DATA, { objects: 'map' }), '<no value> <no value>');
  assert.equal(run('{{.Nope}}', new Map([['Yes', 1]])), '<no value>');
  assert.equal(run('{{.Yes}}', new Map([['Yes', 1]])), '1');
  execFails('{{.Yes 1}}', new Map([['Yes', 1]]), 'template: :1:2: executing "" at <.Yes>: Yes is not a method but has arguments');
  execFails('{{.Nil.X}}', DATA, 'template: :1:6: executing "" at <.Nil.X>: nil pointer evaluating interface {}.X');
  execFails('{{.Name.X}}', DATA, 'template: :1:7: executing "" at <.Name.X>: can\'t evaluate field X in type string');
});

test('functions of plain objects are called like methods', () => {
  assert.equal(run('{{.Greet "you"}}', { Greet: (who: string) => `hi ${who}` }), 'hi you');
});

test('json encodes in property order without HTML escaping, like docker', () => {
  assert.equal(run('{{json .}}', { B: 1, A: 'x<y>&', C: [1, 'two'], D: null }), '{"B":1,"A":"x<y>&","C":[1,"two"],"D":null}');
  assert.equal(run('{{json .Labels}} {{json .Name}} {{json .Nope}}', DATA, { objects: 'map' }), '{"z":"1","a":"2"} "web" null');
  assert.equal(run('{{json .}}', new Map([['b', 1], ['a', 2]])), '{"a":2,"b":1}');
});

test('pipelines pass the value as the last argument', () => {
  assert.equal(run('{{.Name | printf "%s!"}} {{.Name | upper | printf "<%s>"}}', DATA), 'web! <WEB>');
  assert.equal(run('{{"x" | printf "%s-%s" .Name}}', DATA), 'web-x');
  assert.equal(run('{{(index .Names 1) | upper}}', DATA), 'B');
});

test('docker functions: join, split, upper, lower, title, pad, truncate', () => {
  assert.equal(run('{{join .Names ", "}}|{{join .Labels "+"}}|{{join .Nil ","}}', DATA), 'a, b|1+2|');
  assert.equal(run('{{split "a,b,c" ","}} {{len (split "" ",")}} {{split "ab" ""}}', DATA), '[a b c] 1 [a b]');
  assert.equal(run('{{upper .Name}} {{lower "ÀBC"}} {{title "hello wide-world_x"}} {{upper "straße"}}', DATA), 'WEB àbc Hello Wide-World_x STRAßE');
  assert.equal(run('[{{pad .Name 1 2}}][{{pad "" 1 2}}] {{truncate .Name 2}} {{truncate .Name 9}}', DATA), '[ web  ][] we web');
});

test('Go builtins: index, len, slice, print, println, html, js, urlquery, call', () => {
  assert.equal(run('{{index .Labels "z"}}|{{index .Labels "missing"}}|{{index .Names 1}}', DATA), '1||b');
  assert.equal(run('{{index .M "missing"}}', { M: { a: 1 } }), '<no value>');
  assert.equal(run('{{index .M "a" 1}}', { M: { a: ['x', 'y'] } }), 'y');
  assert.equal(run('{{len .Names}} {{len .Labels}} {{len "héllo"}}', DATA), '2 2 6');
  assert.equal(run('{{slice "hello" 1 3}} {{slice .Names 1}}', DATA), 'el [b]');
  assert.equal(run('{{print "a" 1 2 "b"}}|{{println .Name 3}}|', DATA), 'a1 2b|web 3\n|');
  assert.equal(run('{{printf "%-5s|%3d|%.1f" .Name .Count .Ratio}}', DATA), 'web  |  3|1.5');
  assert.equal(run('{{html .Html}} {{js "it\'s <x>"}} {{urlquery "a b&c/é"}}', DATA), '&lt;b&gt;&amp;&lt;/b&gt; it\\\'s \\u003Cx\\u003E a+b%26c%2F%C3%A9');
  // A function stored in a map is a value, not a method: call invokes it.
  assert.equal(run('{{call .F 2}}', new Map([['F', (n: number) => n * 2]])), '4');
});

test('comparisons and logic', () => {
  assert.equal(run('{{eq .Count 3}} {{eq .Name "x" "web"}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', DATA), 'true true true true true true false');
  assert.equal(run('{{eq .Nil .Nil}} {{eq .Nil "x"}}', DATA), 'true false');
  assert.equal(run('{{and 1 0 2}} {{or 0 "" "z"}} {{and 1 2}} {{or 0 ""}} {{not .Empty}}', DATA), '0 z 2  true');
  // and/or stop early: the nil field is never evaluated.
  assert.equal(run('{{if and .Empty .Nil.X}}y{{else}}n{{end}}', DATA), 'n');
  execFails('{{eq 1 "a"}}', DATA, 'template: :1:2: executing "" at <eq 1 "a">: error calling eq: incompatible types for comparison');
  execFails('{{lt true false}}', DATA, 'template: :1:2: executing "" at <lt true false>: error calling lt: invalid type for comparison');
});

test('if, else if, with and else with', () => {
  assert.equal(run('{{if .Count}}yes{{else}}no{{end}} {{if .Empty}}y{{else if eq .Count 3}}three{{else}}n{{end}}', DATA), 'yes three');
  assert.equal(run('{{with .Nested.Inner}}{{.Value}}{{end}}|{{with .Empty}}x{{else}}empty{{end}}', DATA), 'deep|empty');
  assert.equal(run('{{with .Empty}}a{{else with .Name}}{{.}}{{end}}', DATA), 'web');
  assert.equal(run('{{if .Labels}}labels{{end}}{{if .Missing}}m{{end}}', { Labels: {}, Missing: undefined }), '');
});

test('range over slices, maps (by sorted key), integers, with else, break and continue', () => {
  assert.equal(run('{{range .Names}}[{{.}}]{{end}} {{range $i, $e := .Names}}{{$i}}={{$e}} {{end}}', DATA), '[a][b] 0=a 1=b ');
  assert.equal(run('{{range $k, $v := .Labels}}{{$k}}:{{$v}};{{end}}', DATA), 'a:2;z:1;');
  assert.equal(run('{{range .Empty}}x{{else}}none{{end}}|{{range .Nil}}x{{else}}nil{{end}}', DATA), 'none|nil');
  assert.equal(run('{{range 3}}{{.}}{{end}}', DATA), '012');
  assert.equal(run('{{range .}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}', [1, 2, 3, 4, 5]), '13');
  execFails('{{range .Name}}{{end}}', DATA, 'template: :1:8: executing "" at <.Name>: range can\'t iterate over web');
});

test('variables are scoped to their block and can be reassigned', () => {
  assert.equal(run('{{$x := 5}}{{$x}}{{$x = 6}}{{$x}}{{if true}}{{$x = 7}}{{end}}{{$x}}', DATA), '567');
  assert.equal(run('{{range .Names}}{{$.Name}}{{end}}', DATA), 'webweb');
  parseFails('{{if true}}{{$y := 1}}{{end}}{{$y}}', 'template: :1: undefined variable "$y"');
  execFails('{{$y = 1}}', DATA, 'template: :1:7: executing "" at <1>: undefined variable: $y');
});

test('trim markers, comments and literals', () => {
  assert.equal(run('a  \n {{- .Name -}} \n  b', DATA), 'awebb');
  assert.equal(run('a {{- 3}} {{-3}}', DATA), 'a3 -3');
  assert.equal(run('x{{/* comment */}}y {{- /* trimmed */ -}} z', DATA), 'xyz');
  assert.equal(run('{{"a\\tb\\u00e9\\x41"}}|{{`raw\\n`}}|{{\'a\'}}|{{0x1F}}|{{1_000}}|{{1.5e3}}|{{0o17}}|{{true}}', DATA), 'a\tbéA|raw\\n|97|31|1000|1500|15|true');
});

test('parse errors use Go wording and line numbers', () => {
  parseFails('{{.Name', 'template: :1: unclosed action');
  parseFails('a\n{{.Name', 'template: :2: unclosed action');
  parseFails('{{if .X}}', 'template: :1: unexpected EOF');
  parseFails('{{end}}', 'template: :1: unexpected {{end}}');
  parseFails('{{else}}', 'template: :1: unexpected {{else}}');
  parseFails('{{nope .X}}', 'template: :1: function "nope" not defined');
  parseFails('{{}}', 'template: :1: missing value for command');
  parseFails('{{range}}{{end}}', 'template: :1: missing value for range');
  parseFails('{{break}}', 'template: :1: {{break}} outside {{range}}');
  parseFails('{{.A | "x"}}', 'template: :1: non executable command in pipeline stage 2');
  parseFails('{{"abc}}', 'template: :1: unterminated quoted string');
  parseFails('{{3x}}', 'template: :1: bad number syntax: "3x"');
  parseFails('{{/* x }}', 'template: :1: unclosed comment');
  parseFails('{{.A)}}', 'template: :1: unexpected ")" in command');
  parseFails('{{)}}', 'template: :1: unexpected ")" in command');
  parseFails('{{.A \x01}}', 'template: :1: unrecognized character in action: U+0001');
  parseFails('{{(.A}}', 'template: :1: unclosed left paren');
  parseFails('{{$a, $b := .}}', 'template: :1: too many declarations in command');
  parseFails('{{"\\q"}}', 'template: :1: invalid syntax');
  parseFails('{{.A ! }}', "template: :1: unexpected \"!\" in operand");
  parseFails('{{define "x"}}{{end}}', 'template: :1: {{define}} is not supported');
  parseFails('{{if .A}}{{else}}{{else}}{{end}}', 'template: :1: expected end; found {{else}}');
  parseFails('{{.A.}}', 'template: :1: unexpected <.> in operand');
});

test('execution errors name the position and node as Go does', () => {
  execFails('{{.A.Nope}}', { A: {} }, 'template: :1:4: executing "" at <.A.Nope>: can\'t evaluate field Nope in type map[string]interface {}');
  execFails('line1\n  {{.Nope}}', {}, 'template: :2:4: executing "" at <.Nope>: can\'t evaluate field Nope in type map[string]interface {}');
  execFails('héllo {{.Nope}}', {}, 'template: :1:9: executing "" at <.Nope>: can\'t evaluate field Nope in type map[string]interface {}');
  execFails('{{join .Names}}', DATA, 'template: :1:2: executing "" at <join>: wrong number of args for join: want 2 got 1');
  execFails('{{upper .Count}}', DATA, 'template: :1:8: executing "" at <.Count>: wrong type for value; expected string; got int');
  execFails('{{upper 3}}', DATA, 'template: :1:8: executing "" at <3>: expected string; found 3');
  execFails('{{index .Names 5}}', DATA, 'template: :1:2: executing "" at <index .Names 5>: error calling index: index out of range: 5');
  execFails('{{join .Name ","}}', DATA, 'template: :1:2: executing "" at <join .Name ",">: error calling join: expected slice, got string');
  execFails('{{len .Count}}', DATA, 'template: :1:2: executing "" at <len .Count>: error calling len: len of type int');
  execFails('{{3 "x"}}', DATA, 'template: :1:2: executing "" at <3>: can\'t give argument to non-function 3');
  execFails('{{nil}}', DATA, 'template: :1:2: executing "" at <nil>: nil is not a command');
  execFails('{{.Name "x"}}', DATA, 'template: :1:2: executing "" at <.Name>: Name has arguments but cannot be invoked as function');
});

test('execute keeps the output written before an error, as Go does', () => {
  const { output, error } = compileTemplate('a{{.Name}}b{{.Nope}}c').execute({ Name: 'x' });
  assert.equal(output, 'axb');
  assert.ok(error instanceof InvalidArgumentError);
  assert.equal(compileTemplate('{{.Name}}').execute({ Name: 'x' }).error, undefined);
});

test('header functions replace docker functions for one execution', () => {
  const t = compileTemplate('{{upper .Name}}\t{{json .Image}}\t{{truncate .ID 3}}\t{{pad .Ports 1 1}}');
  const headers = new Map([['Name', 'NAMES'], ['Image', 'IMAGE'], ['ID', 'CONTAINER ID'], ['Ports', 'PORTS']]);
  assert.equal(t(headers, { funcs: DOCKER_HEADER_FUNCS }), 'NAMES\tIMAGE\tCONTAINER ID\t PORTS ');
  assert.equal(t({ Name: 'web', Image: 'busybox', ID: 'abcdef', Ports: '' }), 'WEB\t"busybox"\tabc\t');
});

test('extra functions can be given at compile time, as plain functions or with parameter kinds', () => {
  const t = compileTemplate('{{double .N}} {{shout .S}}', {
    funcs: {
      double: (n: number) => n * 2,
      shout: { fn: (s: string) => `${s}!`, params: ['string'] },
    },
  });
  assert.equal(t({ N: 21, S: 'hey' }), '42 hey!');
  fails(() => t({ N: 1, S: 5 }), 'template: :1:22: executing "" at <.S>: wrong type for value; expected string; got int');
});
