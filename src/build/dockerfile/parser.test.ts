import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../errors.js';
import { DockerfileError } from './dockerfile-error.js';
import { parseCommandText, parseDockerfile } from './parser.js';
import type { CopyCommand, RunCommand } from './types.js';

/** Asserts that fn throws a DockerfileError with exactly this message. */
function throwsAt(fn: () => unknown, message: string, line?: number): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DockerfileError, `not a DockerfileError: ${String(err)}`);
    assert.ok(err instanceof InvalidArgumentError);
    assert.equal(err.message, message);
    if (line !== undefined) assert.equal(err.line, line);
    return true;
  });
}

describe('parseDockerfile: stages', () => {
  it('reads a two-stage build with COPY --from a named stage', () => {
    const df = parseDockerfile(
      ['FROM busybox AS builder', 'RUN mkdir -p /out && echo app > /out/app', '', 'FROM busybox', 'COPY --from=builder /out/app /app', ''].join('\n'),
    );
    assert.equal(df.stages.length, 2);
    const [builder, final] = df.stages;
    assert.equal(builder!.index, 0);
    assert.equal(builder!.from.image, 'busybox');
    assert.equal(builder!.from.stageName, 'builder');
    assert.deepEqual(
      builder!.commands.map((c) => c.kind),
      ['RUN'],
    );
    assert.equal(final!.index, 1);
    assert.equal(final!.from.stageName, undefined);
    const copy = final!.commands[0] as CopyCommand;
    assert.equal(copy.kind, 'COPY');
    assert.equal(copy.from, 'builder');
    assert.deepEqual(copy.sources, ['/out/app']);
    assert.equal(copy.dest, '/app');
    assert.deepEqual(copy.span, { file: 'Dockerfile', startLine: 5, endLine: 5 });
  });

  it('reads the ARG / WORKDIR / COPY / RUN / EXPOSE / CMD study file without expanding', () => {
    const df = parseDockerfile(
      [
        'FROM busybox AS builder',
        'ARG PROFILE',
        'WORKDIR /app',
        'COPY . /app/',
        'RUN echo build:${PROFILE}',
        'EXPOSE 3000',
        'CMD ["sh","-c","echo run:$PROFILE && sleep 1"]',
      ].join('\n'),
    );
    const cmds = df.stages[0]!.commands;
    assert.deepEqual(
      cmds.map((c) => c.kind),
      ['ARG', 'WORKDIR', 'COPY', 'RUN', 'EXPOSE', 'CMD'],
    );
    assert.deepEqual(cmds[0], { kind: 'ARG', span: { file: 'Dockerfile', startLine: 2, endLine: 2 }, original: 'ARG PROFILE', args: [{ key: 'PROFILE' }] });
    assert.deepEqual(cmds[1], { kind: 'WORKDIR', span: { file: 'Dockerfile', startLine: 3, endLine: 3 }, original: 'WORKDIR /app', path: '/app' });
    assert.deepEqual((cmds[2] as CopyCommand).sources, ['.']);
    assert.equal((cmds[2] as CopyCommand).dest, '/app/');
    assert.deepEqual((cmds[3] as RunCommand).cmd, { args: ['echo build:${PROFILE}'], shellForm: true });
    assert.deepEqual(cmds[4], { kind: 'EXPOSE', span: { file: 'Dockerfile', startLine: 6, endLine: 6 }, original: 'EXPOSE 3000', ports: ['3000'] });
    assert.deepEqual(cmds[5]!.kind === 'CMD' && cmds[5]!.cmd, { args: ['sh', '-c', 'echo run:$PROFILE && sleep 1'], shellForm: false });
  });

  it('keeps ARGs before the first FROM as meta args', () => {
    const df = parseDockerfile('ARG BASE=busybox\nARG TAG\nFROM ${BASE}:${TAG:-latest}\nARG BASE\n');
    assert.deepEqual(
      df.metaArgs.map((a) => a.args),
      [[{ key: 'BASE', value: 'busybox' }], [{ key: 'TAG' }]],
    );
    assert.equal(df.stages[0]!.from.image, '${BASE}:${TAG:-latest}');
    assert.equal(df.stages[0]!.commands[0]!.kind, 'ARG');
  });

  it('refuses anything but ARG before the first FROM', () => {
    throwsAt(() => parseDockerfile('ARG A=1\nRUN true\nFROM busybox\n'), 'Dockerfile:2: no build stage in current context', 2);
  });

  it('refuses a file without FROM, an empty file and a file of comments', () => {
    throwsAt(() => parseDockerfile('ARG A=1\n'), 'Dockerfile: dockerfile contains no stages to build', 0);
    throwsAt(() => parseDockerfile('', 'app/Dockerfile.prod'), 'app/Dockerfile.prod: the Dockerfile cannot be empty', 0);
    throwsAt(() => parseDockerfile('# just a comment\n\n   \n'), 'Dockerfile: file with no instructions');
  });

  it('names the file and line of an unknown instruction, with a suggestion', () => {
    throwsAt(() => parseDockerfile('FROM busybox\n\nBOGUS bar\n', 'build/Dockerfile'), 'build/Dockerfile:3: unknown instruction: BOGUS', 3);
    throwsAt(() => parseDockerfile('FROM busybox\nCOPPY a b\n'), 'Dockerfile:2: unknown instruction: COPPY (did you mean COPY?)');
    throwsAt(() => parseDockerfile('FROM busybox\nrnu true\n'), 'Dockerfile:2: unknown instruction: rnu (did you mean run?)');
  });

  it('reports the first line of a continued instruction', () => {
    throwsAt(() => parseDockerfile('FROM busybox\nCOPY \\\n  onlyone\n'), 'Dockerfile:2: COPY requires at least two arguments, but only one was provided. Destination could not be determined', 2);
  });

  it('accepts a repeated stage name as Docker does (a lint warning there)', () => {
    assert.equal(parseDockerfile('FROM busybox AS a\nFROM busybox AS a\n').stages.length, 2);
  });
});

describe('parseDockerfile: lines', () => {
  it('reads keywords in any case and keeps the original text', () => {
    const df = parseDockerfile('from busybox as Base\nrun echo hi\n');
    assert.equal(df.stages[0]!.from.stageName, 'base');
    assert.equal(df.stages[0]!.from.original, 'from busybox as Base');
    assert.equal(df.stages[0]!.commands[0]!.kind, 'RUN');
    assert.equal(df.stages[0]!.commands[0]!.original, 'run echo hi');
  });

  it('joins continuations, skipping comments and blank lines inside them', () => {
    const df = parseDockerfile(['FROM busybox', 'RUN echo a \\', '  # a comment', '', '    \t', '  && echo b \\   ', '  && echo c', 'USER nobody'].join('\n'));
    const run = df.stages[0]!.commands[0] as RunCommand;
    assert.equal(run.original, 'RUN echo a   && echo b   && echo c');
    assert.deepEqual(run.cmd.args, ['echo a   && echo b   && echo c']);
    assert.deepEqual(run.span, { file: 'Dockerfile', startLine: 2, endLine: 7 });
    assert.deepEqual(df.stages[0]!.commands[1]!.span, { file: 'Dockerfile', startLine: 8, endLine: 8 });
  });

  it('does not continue a line ending in an escaped escape', () => {
    const df = parseDockerfile('FROM busybox\nRUN echo a\\\\\nUSER x\n');
    assert.equal(df.stages[0]!.commands.length, 2);
    assert.equal(df.stages[0]!.commands[0]!.original, 'RUN echo a\\\\');
  });

  it('accepts a continuation at the end of the file and on a line of its own', () => {
    const df = parseDockerfile('FROM busybox\nRUN echo a \\\n\\\n b \\');
    assert.equal(df.stages[0]!.commands[0]!.original, 'RUN echo a  b ');
  });

  it('drops comments, leading blanks, a BOM and CRLF line ends', () => {
    const df = parseDockerfile('\uFEFF# comment\r\n  FROM busybox\r\n\t# another\r\nRUN echo a \\\r\n  b\r\n');
    const run = df.stages[0]!.commands[0] as RunCommand;
    assert.equal(df.stages[0]!.from.original, 'FROM busybox');
    assert.equal(run.original, 'RUN echo a   b');
    assert.deepEqual(run.span, { file: 'Dockerfile', startLine: 4, endLine: 5 });
  });

  it('keeps a # that is not at the start of a line', () => {
    const df = parseDockerfile('FROM busybox\nRUN echo a # not a comment\n');
    assert.deepEqual((df.stages[0]!.commands[0] as RunCommand).cmd.args, ['echo a # not a comment']);
  });
});

describe('parseDockerfile: directives', () => {
  it('reads syntax, escape and check at the top, with lower-case keys', () => {
    const df = parseDockerfile('# syntax=docker/dockerfile:1\n#  ESCAPE = `\n# check=skip=all\nFROM busybox\n');
    assert.deepEqual(df.directives, { syntax: 'docker/dockerfile:1', escape: '`', check: 'skip=all' });
    assert.equal(df.escape, '`');
  });

  it('switches the continuation and escape character with escape=`', () => {
    const df = parseDockerfile('# escape=`\nFROM busybox\nRUN dir c:\\ `\n  && echo done\nCOPY --chown=a`:b x y\n');
    const [run, copy] = df.stages[0]!.commands as [RunCommand, CopyCommand];
    assert.deepEqual(run.cmd.args, ['dir c:\\   && echo done']);
    assert.equal(copy.chown, 'a:b');
  });

  it('stops at the first line that is not a directive', () => {
    for (const text of ['# hello\n# escape=`\nFROM busybox\n', '\n# escape=`\nFROM busybox\n', 'FROM busybox\n# escape=`\n', '# unknown=1\n# escape=`\nFROM busybox\n']) {
      const df = parseDockerfile(text);
      assert.equal(df.escape, '\\', text);
      assert.equal(df.directives['escape'], undefined, text);
    }
  });

  it('refuses a repeated directive and an invalid escape', () => {
    throwsAt(() => parseDockerfile('# escape=`\n# escape=\\\nFROM busybox\n'), 'Dockerfile:2: only one escape parser directive can be used', 2);
    throwsAt(() => parseDockerfile('# escape=x\nFROM busybox\n'), "Dockerfile:1: invalid escape token 'x' does not match ` or \\", 1);
  });
});

describe('parseCommandText', () => {
  const span = { file: 'Dockerfile', startLine: 1, endLine: 1 };

  it('parses an ONBUILD trigger as its instruction, located at the given span', () => {
    const cmd = parseCommandText('RUN echo hi', span);
    assert.equal(cmd.kind, 'RUN');
    assert.deepEqual(cmd.span, span);
    assert.equal(cmd.original, 'RUN echo hi');
  });

  it('round-trips an ONBUILD trigger with a heredoc', () => {
    const df = parseDockerfile('FROM busybox\nONBUILD RUN <<EOF\necho $HOME\nEOF\n');
    const onbuild = df.stages[0]!.commands[0]!;
    assert.equal(onbuild.kind === 'ONBUILD' && onbuild.expression, 'RUN <<EOF\necho $HOME\nEOF');
    const run = parseCommandText(onbuild.kind === 'ONBUILD' ? onbuild.expression : '', span) as RunCommand;
    assert.deepEqual(run.heredocs, [{ name: 'EOF', content: 'echo $HOME\n', expand: true, chomp: false }]);
  });

  it('uses the escape character it is given', () => {
    const cmd = parseCommandText('COPY --chown=a`:b x y', span, '`') as CopyCommand;
    assert.equal(cmd.chown, 'a:b');
  });

  it('reports errors at the span and refuses more than one instruction', () => {
    const at = { file: 'Dockerfile', startLine: 7, endLine: 7 };
    throwsAt(() => parseCommandText('COPY x', at), 'Dockerfile:7: COPY requires at least two arguments, but only one was provided. Destination could not be determined');
    throwsAt(() => parseCommandText('RUN <<EOF\nno end', at), 'Dockerfile:7: unterminated heredoc EOF');
    assert.throws(() => parseCommandText('RUN a\nRUN b', at), /^DockerfileError: Dockerfile:7: expected one instruction in "RUN a\\nRUN b", found 2$/);
  });
});

describe('DockerfileError.at', () => {
  it('locates an expansion error and leaves other kinds alone', () => {
    const span = { file: 'Dockerfile', startLine: 4, endLine: 5 };
    const located = DockerfileError.at(span, new InvalidArgumentError('failed to process "${A:?}": A: is not allowed to be unset'));
    assert.ok(located instanceof DockerfileError);
    assert.equal(located.message, 'Dockerfile:4: failed to process "${A:?}": A: is not allowed to be unset');
    const other = new Error('boom');
    assert.equal(DockerfileError.at(span, other), other);
  });
});
