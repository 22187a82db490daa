import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DockerfileError } from './dockerfile-error.js';
import { chompHeredoc, heredocsInLine, parseHeredocWord } from './heredoc.js';
import { parseDockerfile } from './parser.js';
import type { CopyCommand, Heredoc, RunCommand } from './types.js';

describe('parseHeredocWord', () => {
  it('reads the name of every heredoc spelling', () => {
    for (const word of ['<<EOF', "<<'EOF'", '<<"EOF"', '<<-EOF', "<<-'EOF'", '<<-"EOF"', '<<EO"F"', '<< EOF', '<<- EOF', '3<<EOF']) {
      assert.equal(parseHeredocWord(word)?.name, 'EOF', word);
    }
  });

  it('says which names are quoted (no expansion) and which strip tabs', () => {
    assert.deepEqual(parseHeredocWord('<<EOF'), { name: 'EOF', expand: true, chomp: false });
    assert.deepEqual(parseHeredocWord("<<-'EOF'"), { name: 'EOF', expand: false, chomp: true });
    assert.deepEqual(parseHeredocWord("<<eo\\'f"), { name: "eo'f", expand: true, chomp: false });
    assert.deepEqual(parseHeredocWord("<<'e'o\\'f"), { name: "eo'f", expand: false, chomp: false });
    assert.deepEqual(parseHeredocWord('<<$EOF'), { name: '$EOF', expand: true, chomp: false });
  });

  it('is undefined for words that are no heredoc', () => {
    for (const word of ['', 'EOF', '<<', '<<-', '<EOF', '<<<EOF', '<<EOF sh']) assert.equal(parseHeredocWord(word), undefined, word);
  });

  it('refuses badly quoted names', () => {
    for (const word of ["<<'EOF", '<<"EOF', "<<EOF'", '<<EOF"']) assert.throws(() => parseHeredocWord(word), /unexpected end of statement/, word);
  });
});

describe('heredocsInLine', () => {
  it('finds heredocs in RUN, COPY, ADD and ONBUILD of them, in order', () => {
    assert.deepEqual(
      heredocsInLine('RUN <<A cat - <<-"B" > out', '\\').map((h) => h.name),
      ['A', 'B'],
    );
    assert.deepEqual(
      heredocsInLine('RUN << -EOF', '\\').map((h) => h.name),
      ['-EOF'],
    );
    assert.deepEqual(
      heredocsInLine('copy --chmod=755 <<X /x', '\\').map((h) => h.name),
      ['X'],
    );
    assert.deepEqual(
      heredocsInLine('ONBUILD ADD <<X /x', '\\').map((h) => h.name),
      ['X'],
    );
  });

  it('finds none in other instructions, the JSON form, or quoted text', () => {
    assert.deepEqual(heredocsInLine('USER <<EOF', '\\'), []);
    assert.deepEqual(heredocsInLine('RUN ["cat", "<<EOF"]', '\\'), []);
    assert.deepEqual(heredocsInLine('RUN echo "<<EOF"', '\\'), []);
    assert.deepEqual(heredocsInLine("RUN echo <<'EOF", '\\'), []);
  });
});

describe('heredoc bodies', () => {
  const hd = (name: string, content: string, expand = true, chomp = false): Heredoc => ({ name, content, expand, chomp });

  it('reads each body up to its delimiter, raw', () => {
    const df = parseDockerfile(
      [
        'FROM alpine',
        'RUN <<EMPTY',
        'EMPTY',
        'RUN <<INDENT',
        '\tfoo',
        '\tbar',
        'INDENT',
        'RUN <<-UNINDENT',
        '\tbaz',
        '\tquux',
        '\tUNINDENT',
        "RUN <<-'NOEXPAND'",
        "\tdon't expand $NAME",
        'NOEXPAND',
        'RUN <<COMMENT',
        '# internal comment',
        'echo foo bar # trailing comment \\',
        'COMMENT',
        'RUN --mount=type=cache,target=/foo <<MOUNT',
        'echo hello',
        'MOUNT',
        'COPY <<X <<Y /dest',
        'Y',
        'X',
        'X',
        'Y',
        'RUN <<COMPLEX python3',
        "print('hello world')",
        'COMPLEX',
        "RUN <<'one two'",
        'echo bar',
        'one two',
        'USER nobody',
      ].join('\n'),
    );
    const cmds = df.stages[0]!.commands;
    const docs = cmds.map((c) => (c.kind === 'RUN' || c.kind === 'COPY' ? c.heredocs : undefined));
    assert.deepEqual(docs, [
      [hd('EMPTY', '')],
      [hd('INDENT', '\tfoo\n\tbar\n')],
      [hd('UNINDENT', 'baz\nquux\n', true, true)],
      [hd('NOEXPAND', "don't expand $NAME\n", false, true)],
      [hd('COMMENT', '# internal comment\necho foo bar # trailing comment \\\n')],
      [hd('MOUNT', 'echo hello\n')],
      [hd('X', 'Y\n'), hd('Y', 'X\n')],
      [hd('COMPLEX', "print('hello world')\n")],
      [hd('one two', 'echo bar\n', false)],
      undefined,
    ]);
    const complex = cmds[7] as RunCommand;
    assert.deepEqual(complex.cmd, { args: ['<<COMPLEX python3'], shellForm: true });
    assert.deepEqual(complex.span, { file: 'Dockerfile', startLine: 27, endLine: 29 });
    assert.deepEqual((cmds[5] as RunCommand).flags, { mount: ['type=cache,target=/foo'] });
    const copy = cmds[6] as CopyCommand;
    assert.deepEqual(copy.sources, ['X', 'Y']);
    assert.equal(copy.dest, '/dest');
    assert.deepEqual(cmds[9]!.span, { file: 'Dockerfile', startLine: 33, endLine: 33 });
  });

  it('keeps the line ends of a CRLF body', () => {
    const df = parseDockerfile('FROM alpine\r\nRUN <<EOF\r\necho hi\r\nEOF\r\n');
    assert.deepEqual((df.stages[0]!.commands[0] as RunCommand).heredocs, [hd('EOF', 'echo hi\r\n')]);
  });

  it('refuses an unterminated heredoc, naming the instruction line', () => {
    assert.throws(
      () => parseDockerfile('FROM alpine\nRUN <<EOF\necho hi\n'),
      (err: unknown) => err instanceof DockerfileError && err.message === 'Dockerfile:2: unterminated heredoc EOF',
    );
  });

  it('strips only leading tabs when chomping', () => {
    assert.equal(chompHeredoc('\t\thello\n  world\n\t\n'), 'hello\n  world\n\n');
  });
});
