import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../errors.js';
import { buildCommand } from './instructions.js';
import type { Command } from './types.js';

const span = { file: 'Dockerfile', startLine: 1, endLine: 1 };

/** The command without span and original, for short assertions. */
function parse(text: string, escape = '\\'): Record<string, unknown> {
  const { span: _span, original: _original, ...rest } = buildCommand(text, span, escape) as Command & Record<string, unknown>;
  return rest;
}

function refuses(text: string, message: string | RegExp): void {
  assert.throws(
    () => buildCommand(text, span, '\\'),
    (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError, String(err));
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

describe('FROM', () => {
  it('reads the image, a lower-cased stage name and --platform, unexpanded', () => {
    assert.deepEqual(parse('FROM --platform=$BUILDPLATFORM golang:1.22 AS Build-Env'), {
      kind: 'FROM',
      image: 'golang:1.22',
      stageName: 'build-env',
      platform: '$BUILDPLATFORM',
    });
    assert.deepEqual(parse('FROM scratch'), { kind: 'FROM', image: 'scratch' });
  });

  it('refuses a bad stage name, a wrong argument count and unknown flags', () => {
    refuses('FROM busybox AS 1st', `invalid name for build stage: "1st", name can't start with a number or contain symbols`);
    refuses('FROM busybox AS a/b', /invalid name for build stage/);
    refuses('FROM busybox builder', 'FROM requires either one or three arguments');
    refuses('FROM', 'FROM requires either one or three arguments');
    refuses('FROM --plaform=linux busybox', 'FROM: unknown flag: --plaform (did you mean platform?)');
  });
});

describe('RUN, CMD, ENTRYPOINT', () => {
  it('tells the exec form from the shell form', () => {
    assert.deepEqual(parse('RUN ["/bin/sh", "-c", "echo hi"]'), { kind: 'RUN', cmd: { args: ['/bin/sh', '-c', 'echo hi'], shellForm: false }, heredocs: [], flags: {} });
    assert.deepEqual(parse('CMD echo "$HOME"  x'), { kind: 'CMD', cmd: { args: ['echo "$HOME"  x'], shellForm: true } });
    assert.deepEqual(parse('ENTRYPOINT []'), { kind: 'ENTRYPOINT', cmd: { args: [], shellForm: false } });
  });

  it('falls back to the shell form when the JSON does not parse', () => {
    assert.deepEqual(parse('CMD [oops'), { kind: 'CMD', cmd: { args: ['[oops'], shellForm: true } });
    assert.deepEqual(parse("CMD ['single']"), { kind: 'CMD', cmd: { args: ["['single']"], shellForm: true } });
    assert.deepEqual(parse('CMD ["a"] b'), { kind: 'CMD', cmd: { args: ['["a"] b'], shellForm: true } });
  });

  it('refuses a JSON array of non-strings', () => {
    refuses('CMD ["a", 1]', 'CMD: when using JSON array syntax, arrays must be comprised of strings only');
  });

  it('gives an empty shell command for a bare keyword, as Docker does', () => {
    assert.deepEqual(parse('RUN'), { kind: 'RUN', cmd: { args: [''], shellForm: true }, heredocs: [], flags: {} });
  });

  it('keeps RUN --mount, --network and --security values as written', () => {
    assert.deepEqual(parse('RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=x --network=none --security=insecure make'), {
      kind: 'RUN',
      cmd: { args: ['make'], shellForm: true },
      heredocs: [],
      flags: { mount: ['type=cache,target=/root/.cache', 'type=secret,id=x'], network: ['none'], security: ['insecure'] },
    });
  });

  it('refuses unknown and repeated RUN flags', () => {
    refuses('RUN --foo=bar true', 'RUN: unknown flag: --foo');
    refuses('RUN --network=host --network=none true', 'RUN: duplicate flag specified: --network');
    refuses('RUN --network true', 'RUN: missing a value on flag: --network');
    refuses('CMD --x=1 true', 'CMD: unknown flag: --x');
  });

  it('stops reading flags at --', () => {
    assert.deepEqual(parse('RUN -- --version'), { kind: 'RUN', cmd: { args: ['--version'], shellForm: true }, heredocs: [], flags: {} });
  });
});

describe('COPY and ADD', () => {
  it('reads sources, destination and flags', () => {
    assert.deepEqual(parse('COPY --from=build --chown=app:app --chmod=0755 --link --parents --exclude=*.md --exclude=.git a b /dst/'), {
      kind: 'COPY',
      sources: ['a', 'b'],
      dest: '/dst/',
      from: 'build',
      chown: 'app:app',
      chmod: '0755',
      flags: { link: ['true'], parents: ['true'], exclude: ['*.md', '.git'] },
      heredocs: [],
    });
    assert.deepEqual(parse('ADD --checksum=sha256:abc --keep-git-dir=false --link=false https://x/y.tgz /'), {
      kind: 'ADD',
      sources: ['https://x/y.tgz'],
      dest: '/',
      flags: { link: ['false'], 'keep-git-dir': ['false'], checksum: ['sha256:abc'] },
      heredocs: [],
    });
  });

  it('reads the JSON form, whose words may hold blanks', () => {
    assert.deepEqual(parse('COPY ["my file", "/a b/"]'), { kind: 'COPY', sources: ['my file'], dest: '/a b/', flags: {}, heredocs: [] });
  });

  it('removes quotes from flag values but does not expand them', () => {
    assert.equal((buildCommand('COPY --chown="$U:g x" a b', span, '\\') as { chown?: string }).chown, '$U:g x');
  });

  it('refuses a missing destination, --from on ADD and bad boolean values', () => {
    refuses('COPY onlyone', 'COPY requires at least two arguments, but only one was provided. Destination could not be determined');
    refuses('ADD', 'ADD requires at least two arguments, but only one was provided. Destination could not be determined');
    refuses('ADD --from=x a b', 'ADD: unknown flag: --from');
    refuses('COPY --link=maybe a b', 'COPY: expecting boolean value for flag --link, not: maybe');
    refuses('COPY --link= a b', 'COPY: missing a value on flag: --link');
    refuses('COPY a <<EOF', 'COPY cannot accept a heredoc as a destination');
  });
});

describe('ENV, LABEL, ARG', () => {
  it('keeps name=value pairs as written, quotes included', () => {
    assert.deepEqual(parse('ENV A=1 B="two words" C=${A:-x} D=a\\ b E='), {
      kind: 'ENV',
      pairs: [
        { key: 'A', value: '1' },
        { key: 'B', value: '"two words"' },
        { key: 'C', value: '${A:-x}' },
        { key: 'D', value: 'a\\ b' },
        { key: 'E', value: '' },
      ],
    });
    assert.deepEqual(parse('LABEL "com.example.name"="my app" version=1'), {
      kind: 'LABEL',
      pairs: [
        { key: '"com.example.name"', value: '"my app"' },
        { key: 'version', value: '1' },
      ],
    });
  });

  it('reads the legacy ENV name value form as one pair', () => {
    assert.deepEqual(parse('ENV GREETING hello   "big" world'), { kind: 'ENV', pairs: [{ key: 'GREETING', value: 'hello   "big" world' }] });
  });

  it('refuses ENV and LABEL argument errors in Docker words', () => {
    refuses('ENV', 'ENV requires at least one argument');
    refuses('LABEL', 'LABEL requires at least one argument');
    refuses('ENV ONLY', 'ENV must have two arguments');
    refuses('ENV A=1 B', `ENV: syntax error - can't find = in "B". Must be of the form: name=value`);
    refuses('LABEL =x', 'LABEL names can not be blank');
  });

  it('reads ARG names with and without defaults', () => {
    assert.deepEqual(parse('ARG a=1 b c="x y" d='), {
      kind: 'ARG',
      args: [{ key: 'a', value: '1' }, { key: 'b' }, { key: 'c', value: '"x y"' }, { key: 'd', value: '' }],
    });
    refuses('ARG', 'ARG requires at least one argument');
    refuses('ARG =1', 'ARG names can not be blank');
  });
});

describe('one-argument instructions', () => {
  it('takes the whole text as the argument, blanks included', () => {
    assert.deepEqual(parse('WORKDIR /my dir/$X'), { kind: 'WORKDIR', path: '/my dir/$X' });
    assert.deepEqual(parse('USER app:app'), { kind: 'USER', user: 'app:app' });
    assert.deepEqual(parse('STOPSIGNAL SIGINT'), { kind: 'STOPSIGNAL', signal: 'SIGINT' });
    assert.deepEqual(parse('MAINTAINER Jane Doe <jane@example.com>'), { kind: 'MAINTAINER', name: 'Jane Doe <jane@example.com>' });
  });

  it('refuses them without an argument', () => {
    for (const kw of ['WORKDIR', 'USER', 'STOPSIGNAL', 'MAINTAINER']) refuses(kw, `${kw} requires exactly one argument`);
  });
});

describe('EXPOSE, VOLUME, SHELL', () => {
  it('splits EXPOSE words on blanks, unexpanded', () => {
    assert.deepEqual(parse('EXPOSE 80 443/tcp  ${PORT}'), { kind: 'EXPOSE', ports: ['80', '443/tcp', '${PORT}'] });
    refuses('EXPOSE', 'EXPOSE requires at least one argument');
  });

  it('reads VOLUME in both forms', () => {
    assert.deepEqual(parse('VOLUME /data /logs'), { kind: 'VOLUME', volumes: ['/data', '/logs'] });
    assert.deepEqual(parse('VOLUME ["/my data", " /x "]'), { kind: 'VOLUME', volumes: ['/my data', '/x'] });
    refuses('VOLUME', 'VOLUME requires at least one argument');
    refuses('VOLUME []', 'VOLUME requires at least one argument');
    refuses('VOLUME ["/a", " "]', 'VOLUME specified can not be an empty string');
  });

  it('requires the JSON form for SHELL', () => {
    assert.deepEqual(parse('SHELL ["/bin/bash", "-o", "pipefail", "-c"]'), { kind: 'SHELL', shell: ['/bin/bash', '-o', 'pipefail', '-c'] });
    refuses('SHELL /bin/bash -c', 'SHELL requires the arguments to be in JSON form');
    refuses('SHELL', 'SHELL requires at least one argument');
    refuses('SHELL []', 'SHELL requires at least one argument');
  });
});

describe('HEALTHCHECK', () => {
  it('reads NONE, the exec form and the shell form', () => {
    assert.deepEqual(parse('HEALTHCHECK NONE'), { kind: 'HEALTHCHECK', test: ['NONE'] });
    assert.deepEqual(parse('HEALTHCHECK cmd ["curl", "-f", "http://localhost/"]'), { kind: 'HEALTHCHECK', test: ['CMD', 'curl', '-f', 'http://localhost/'] });
    assert.deepEqual(parse('HEALTHCHECK CMD curl -f http://localhost/ || exit 1'), { kind: 'HEALTHCHECK', test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'] });
  });

  it('reads Go durations as nanoseconds and retries', () => {
    assert.deepEqual(parse('HEALTHCHECK --interval=30s --timeout=1m30s --start-period=500ms --start-interval=0s --retries=3 CMD true'), {
      kind: 'HEALTHCHECK',
      test: ['CMD-SHELL', 'true'],
      interval: 30e9,
      timeout: 90e9,
      startPeriod: 5e8,
      startInterval: 0,
      retries: 3,
    });
  });

  it('refuses bad flags, types and commands', () => {
    refuses('HEALTHCHECK', 'HEALTHCHECK requires at least one argument');
    refuses('HEALTHCHECK NONE x', 'HEALTHCHECK NONE takes no arguments');
    refuses('HEALTHCHECK PING x', 'Unknown type "PING" in HEALTHCHECK (try CMD)');
    refuses('HEALTHCHECK CMD', 'Missing command after HEALTHCHECK CMD');
    refuses('HEALTHCHECK CMD []', 'Missing command after HEALTHCHECK CMD');
    refuses('HEALTHCHECK --interval=1us CMD true', 'HEALTHCHECK --interval cannot be less than 1ms');
    refuses('HEALTHCHECK --timeout=-1s CMD true', 'HEALTHCHECK --timeout cannot be less than 1ms');
    refuses('HEALTHCHECK --interval=5 CMD true', 'HEALTHCHECK --interval: time: missing unit in duration "5"');
    refuses('HEALTHCHECK --retries=x CMD true', 'HEALTHCHECK --retries: strconv.ParseInt: parsing "x": invalid syntax');
    refuses('HEALTHCHECK --retries=-1 CMD true', 'HEALTHCHECK --retries cannot be negative (-1)');
    refuses('HEALTHCHECK --bogus=1 CMD true', 'HEALTHCHECK: unknown flag: --bogus');
  });
});

describe('ONBUILD', () => {
  it('stores the trigger without ONBUILD, keyword upper-cased', () => {
    assert.deepEqual(parse('ONBUILD run echo "hi"  there'), { kind: 'ONBUILD', expression: 'RUN echo "hi"  there' });
    assert.deepEqual(parse('onbuild COPY --from=x a b'), { kind: 'ONBUILD', expression: 'COPY --from=x a b' });
  });

  it('refuses chaining, FROM and MAINTAINER triggers in Docker words', () => {
    refuses('ONBUILD', 'ONBUILD requires at least one argument');
    refuses('ONBUILD onbuild RUN x', "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    refuses('ONBUILD from busybox', "FROM isn't allowed as an ONBUILD trigger");
    refuses('ONBUILD MAINTAINER me', "MAINTAINER isn't allowed as an ONBUILD trigger");
  });
});

describe('unknown instructions', () => {
  it('names the keyword as written', () => {
    refuses('Bogus x', 'unknown instruction: Bogus');
    refuses('workdri /x', 'unknown instruction: workdri (did you mean workdir?)');
  });
});
