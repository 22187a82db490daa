import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../errors.js';
import { envFromList, expandHeredoc, expandWord, expandWords, lexWord, lexWords, splitWords } from './shell-lex.js';
import { patternToRegExp, replacePattern, reversePattern } from './shell-pattern.js';

describe('splitWords', () => {
  it('splits on blanks outside quotes and keeps the quotes and escapes', () => {
    assert.deepEqual(splitWords(` a "b c"  'd e'\\ f `), ['a', '"b c"', "'d e'\\ f"]);
  });

  it('keeps an escaped quote inside double quotes but not inside single quotes', () => {
    assert.deepEqual(splitWords('"a\\" b" \'c\\\' d\''), ['"a\\" b"', '\'c\\\'', "d'"]);
  });

  it('keeps an empty quoted word and drops an escape at the very end', () => {
    assert.deepEqual(splitWords(`a "" b\\`), ['a', '""', 'b']);
  });

  it('runs an unclosed quote to the end instead of failing', () => {
    assert.deepEqual(splitWords(`a="x y`), ['a="x y']);
  });

  it('uses the escape character it is given', () => {
    assert.deepEqual(splitWords('a` b c\\ d', '`'), ['a` b', 'c\\', 'd']);
  });

  it('splits on tabs and unicode blanks', () => {
    assert.deepEqual(splitWords('a\tb\u00a0c'), ['a', 'b', 'c']);
  });
});

describe('expandWord', () => {
  const env = envFromList(['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL=']);

  // BuildKit's envVarTest vectors (null = an error).
  const cases: Array<[string, string | null]> = [
    ['hello', 'hello'],
    [`he'll'o`, 'hello'],
    [`he'llo`, null],
    ['he\\\'llo', `he'llo`],
    ['he\\\\\'llo', null],
    ['abc\\tdef', 'abctdef'],
    ['"abc\\tdef"', 'abc\\tdef'],
    ['"abc\\\\tdef"', 'abc\\tdef'],
    ['\'abc\\tdef\'', 'abc\\tdef'],
    ['hello\\', 'hello'],
    ['hello\\\\', 'hello\\'],
    [`"hello`, null],
    ['"hello\\"', null],
    [`"hel'lo"`, `hel'lo`],
    [`'hello`, null],
    ['\'hello\\\'', 'hello\\'],
    [`"''"`, `''`],
    ['$.', '$.'],
    ['he$1x', 'hex'],
    ['he$.x', 'he$.x'],
    ['he$pwd.', 'he.'],
    ['he$PWD', 'he/home'],
    ['he\\$PWD', 'he$PWD'],
    ['he\\\\$PWD', 'he\\/home'],
    ['"he\\$PWD"', 'he$PWD'],
    ['"he\\\\$PWD"', 'he\\/home'],
    ['\\${}', '${}'],
    ['he\\${}xx', 'he${}xx'],
    ['${}', null],
    ['he${}xx', null],
    ['he${hi}xx', 'hexx'],
    ['he${PWD}', 'he/home'],
    ['he${.}', null],
    ['he${XXX:-000}xx', 'he000xx'],
    ['he${PWD:-000}xx', 'he/homexx'],
    ['he${XXX:-$PWD}xx', 'he/homexx'],
    ['he${XXX:-${PWD:-yyy}}xx', 'he/homexx'],
    ['he${XXX:-${YYY:-yyy}}xx', 'heyyyxx'],
    ['he${XXX:YYY}', null],
    ['he${XXX?}', null],
    ['he${XXX:?}', null],
    ['he${PWD?}', 'he/home'],
    ['he${PWD:?}', 'he/home'],
    ['he${NULL?}', 'he'],
    ['he${NULL:?}', null],
    ['he${XXX:+${PWD}}xx', 'hexx'],
    ['he${PWD:+${XXX}}xx', 'hexx'],
    ['he${PWD:+${SHELL}}xx', 'hebashxx'],
    ['he${XXX:+000}xx', 'hexx'],
    ['he${PWD:+000}xx', 'he000xx'],
    [`'he\${XX}'`, 'he${XX}'],
    ['"he${PWD}"', 'he/home'],
    [`"he'$PWD'"`, `he'/home'`],
    [`'$PWD'`, '$PWD'],
    ['\'\\$PWD\'', '\\$PWD'],
    [`'"hello"'`, '"hello"'],
    ['he${PWD', null],
    ['he${PWD:=000}xx', null],
    ['he${PWD:+${PWD}:}xx', 'he/home:xx'],
    ['he${XXX:-\\$PWD:}xx', 'he$PWD:xx'],
    ['he${XXX:-\\${PWD}z}xx', 'he${PWDz}xx'],
    [`안'녕'하세요`, '안녕하세요'],
    ['안녕$KOREAN', '안녕한국어'],
    ['${{aaa}', null],
    ['${aaa}}', '}'],
    ['${aaa', null],
    ['${aaa:-bbb}}', 'bbb}'],
    ['${aaa:-bbb', null],
    ['${aaa:-${bbb:-ccc}}', 'ccc'],
    ['${aaa:-bbb ${foo}', null],
    ['${aaa:-bbb {foo}', 'bbb {foo'],
    ['${:}', null],
    ['${:-bbb}', null],
    ['$999aaa', 'aaa'],
    ['${999:-bbb}aaa', 'bbbaaa'],
    ['$001aaa', 'aaa'],
    ['$@@@', '@@'],
    ['${#}', ''],
    ['${$:-bbb}', 'bbb'],
    ['$!', ''],
    ['${0:+bbb}', ''],
  ];
  for (const [input, expected] of cases) {
    it(`${expected === null ? 'refuses' : 'expands'} ${input}`, () => {
      if (expected === null) assert.throws(() => expandWord(input, env), InvalidArgumentError);
      else assert.equal(expandWord(input, env), expected);
    });
  }

  it('expands the ${VAR} forms (set, empty, unset)', () => {
    const e = envFromList(['A=1', 'E=']);
    assert.equal(expandWord('${A}-${B:-x}-${E:-y}-${E-z}-${A:+set}-${B+no}-${E+yes}', e), '1-x-y--set--yes');
  });

  it('reports ${VAR?msg} and ${VAR:?msg} with the expanded message', () => {
    const set = envFromList(['VAR=plain', 'ARG=x']);
    const empty = envFromList(['VAR=', 'ARG=x']);
    const unset = envFromList(['ARG=x']);
    assert.equal(expandWord('${VAR:?message here$ARG}', set), 'plain');
    assert.throws(() => expandWord('${VAR:?message here$ARG}', empty), /VAR: message herex/);
    assert.throws(() => expandWord('${VAR:?message here$ARG}', unset), /VAR: message herex/);
    assert.equal(expandWord('${VAR?message here$ARG}', empty), '');
    assert.throws(() => expandWord('${VAR?}', unset), /VAR: is not allowed to be unset/);
    assert.throws(() => expandWord('${VAR:?}', empty), /VAR: is not allowed to be empty/);
  });

  it('names the word in its errors', () => {
    assert.throws(() => expandWord('a${B:?must be set}', new Map()), (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.message, 'failed to process "a${B:?must be set}": B: must be set');
      return true;
    });
    assert.throws(() => expandWord('"abc', new Map()), /matching double-quote/);
    assert.throws(() => expandWord("'abc", new Map()), /matching single-quote/);
  });

  it('keeps single-quoted text literal and honours escapes in double quotes', () => {
    assert.equal(expandWord(`'$A'"\\$A \\"q\\" \\n"`, envFromList(['A=1'])), '$A$A "q" \\n');
  });

  it('keeps blanks inside one word', () => {
    assert.equal(expandWord('hello  big "wide  world"', new Map()), 'hello  big wide  world');
  });

  it('uses a backtick escape when told', () => {
    const e = envFromList(['A=1']);
    assert.equal(expandWord('`$A\\x"`""', e, '`'), '$A\\x"');
    assert.equal(expandWord('"a\\"', e, '`'), 'a\\');
  });

  it('trims prefixes and suffixes with shell patterns', () => {
    const e = envFromList(['P=/usr/local/bin/tool.tar.gz']);
    assert.equal(expandWord('${P#*/}', e), 'usr/local/bin/tool.tar.gz');
    assert.equal(expandWord('${P##*/}', e), 'tool.tar.gz');
    assert.equal(expandWord('${P%.*}', e), '/usr/local/bin/tool.tar');
    assert.equal(expandWord('${P%%.*}', e), '/usr/local/bin/tool');
    assert.equal(expandWord('${P#/usr}', e), '/local/bin/tool.tar.gz');
    assert.equal(expandWord('${P%?z}', e), '/usr/local/bin/tool.tar.');
    assert.equal(expandWord('${NOPE#*}', e), '');
    assert.throws(() => expandWord('${P:#x}', e), /unsupported modifier \(:#\)/);
  });

  it('replaces the first or every match of a pattern', () => {
    const e = envFromList(['V=a-b-c']);
    assert.equal(expandWord('${V/-/+}', e), 'a+b-c');
    assert.equal(expandWord('${V//-/+}', e), 'a+b+c');
    assert.equal(expandWord('${V//x/+}', e), 'a-b-c');
    // The replacement keeps its escapes, as in BuildKit.
    assert.equal(expandWord('${V/b*/\\}}', e), 'a-\\}');
    assert.throws(() => expandWord('${V/-', e), /missing '\/'/);
  });
});

describe('shell patterns', () => {
  it('escapes regular expression characters and keeps *, ? escapes', () => {
    assert.equal(patternToRegExp('(()[]{\\}^$.\\*\\?|\\\\', true, true).source, '^\\(\\(\\)\\[\\]\\{\\}\\^\\$\\.\\*\\?\\|\\\\');
    assert.equal(patternToRegExp('*', false, true).source, '^.*?');
    assert.throws(() => patternToRegExp('\\x', true, true), /invalid escape/);
    assert.throws(() => patternToRegExp('\\', true, true), /invalid escape/);
  });

  it('reverses a pattern keeping escapes in front', () => {
    assert.equal(reversePattern('a\\*c'), 'c\\*a');
    assert.equal(reversePattern('ab\\'), '\\ba');
    assert.equal(reversePattern('\\\\b'), 'b\\\\');
  });

  it('counts an empty match after a match once, as Go does', () => {
    assert.equal(replacePattern('abc', '*', 'x', true), 'x');
  });
});

describe('expandWords', () => {
  const env = new Map<string, string>();
  // BuildKit's wordsTest vectors, run with the ENV lines before them.
  const cases: Array<[string, string[] | null, Record<string, string>?]> = [
    ['hello', ['hello']],
    ['hello${hi}bye', ['hellobye']],
    ['hello${hi}bye', ['hellohibye'], { hi: 'hi' }],
    ['hello${space}bye', ['helloabc', 'defbye'], { space: 'abc  def' }],
    ['hello"${space}"bye', ['helloabc  defbye'], { space: 'abc  def' }],
    ['hello "${space}"bye', ['hello', 'abc  defbye'], { space: 'abc  def' }],
    ['hello${leading}def', ['hello', 'ab', 'cdef'], { leading: '  ab c' }],
    ['hello"${leading}" def', ['hello  ab c', 'def'], { leading: '  ab c' }],
    ['hello${trailing}d', ['helloab', 'c', 'd'], { trailing: 'ab c   ' }],
    ['hel"lo${trailing}"', ['helloab c   '], { trailing: 'ab c   ' }],
    ['hello" there  "', ['hello there  ']],
    ['hello there     ', ['hello', 'there']],
    ['hello\\ there', ['hello there']],
    ['hello" there', null],
    ['hello\\" there', ['hello"', 'there']],
    ['hello"\\\\there"', ['hello\\there']],
    ['hello"\\there"', ['hello\\there']],
    ['hello\'\\\\there\'', ['hello\\\\there']],
    [`hello'$there'`, ['hello$there']],
  ];
  for (const [input, expected, vars] of cases) {
    it(`${expected === null ? 'refuses' : 'splits'} ${input}`, () => {
      const e = vars ? new Map(Object.entries(vars)) : env;
      if (expected === null) assert.throws(() => expandWords(input, e), InvalidArgumentError);
      else assert.deepEqual(expandWords(input, e), expected);
    });
  }

  it('splits a variable holding several ports (EXPOSE $PORTS)', () => {
    assert.deepEqual(expandWords('$PORTS 9000/udp', envFromList(['PORTS=80 443'])), ['80', '443', '9000/udp']);
  });

  it('gives no field for an empty quoted string', () => {
    assert.deepEqual(expandWords('"" a', env), ['a']);
  });
});

describe('lexer options', () => {
  it('keeps quotes, escapes and unset variables when asked (heredoc detection)', () => {
    const opts = { rawQuotes: true, rawEscapes: true, skipUnset: true };
    assert.deepEqual(lexWords(`RUN <<'EOF' $X \${Y:-z} a\\ b`, new Map(), opts), ['RUN', "<<'EOF'", '$X', '${Y:-z}', 'a\\ b']);
    assert.equal(lexWord('${U}', new Map(), { skipUnset: true }), '${U}');
  });

  it('keeps the blanks after << in the same field', () => {
    assert.deepEqual(expandWords('cat <<  EOF > x', new Map()), ['cat', '<<  EOF', '>', 'x']);
  });
});

describe('expandHeredoc', () => {
  it('expands variables and escapes but keeps quotes, as a COPY heredoc body', () => {
    const env = envFromList(['NAME=berth']);
    assert.equal(expandHeredoc('"$NAME" \'${NAME}\'\n\\$NAME \\t ${NOPE:-x}\n', env), '"berth" \'berth\'\n$NAME t x\n');
  });
});

describe('envFromList', () => {
  it('lets later entries win and reads a bare name as empty', () => {
    const e = envFromList(['A=1', 'B', 'A=2=3']);
    assert.equal(e.get('A'), '2=3');
    assert.equal(e.get('B'), '');
  });
});
