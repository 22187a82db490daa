/**
 * `login`, `logout` and `search` against a scripted Engine API server on a
 * real unix socket, each with its own DOCKER_CONFIG directory: the requests
 * (/auth bodies, search queries, X-Registry-Auth), what is printed, and the
 * config file left behind (bytes, mode). When the docker CLI is installed it
 * runs the same command lines against the same server with a twin config
 * directory, and berth must leave the same file and print the same text
 * (paths and the program name aside). The prompts, which need a terminal,
 * are checked against docker 28.2.2's output recorded on a pty.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { berth, configDir, docker, hasDocker, requestLines, scriptedDaemon, type Daemon, type Ran, type Script } from '../../testing/scripted-daemon.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const warning = (file: string): string =>
  `\nWARNING! Your credentials are stored unencrypted in '${file}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`;
const PASSWORD_FLAG = 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n';

/** /auth accepts bob:pw (answering `token` as identity token when given) and refuses the rest with 401. */
function authDaemon(t: TestContext, token = ''): Promise<Daemon> {
  return scriptedDaemon(t, (r) => {
    if (r.path !== '/auth') return undefined;
    const body = JSON.parse(r.body) as { username?: string; password?: string; serveraddress?: string };
    if (body.username === 'bob' && body.password === 'pw') return { status: 200, body: { Status: 'Login Succeeded', IdentityToken: token } };
    return { status: 401, body: { message: `login attempt to http://${body.serveraddress}/v2/ failed with status: 401 Unauthorized` } };
  });
}

const fileOf = (dir: string): string => readFileSync(join(dir, 'config.json'), 'utf8');
const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** Writes the same config file into two fresh directories (berth's and docker's). */
function twinConfigs(t: TestContext, content?: string, mode = 0o600): [string, string] {
  const dirs: [string, string] = [configDir(t), configDir(t)];
  if (content !== undefined) {
    for (const d of dirs) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'config.json'), content, { mode });
    }
  }
  return dirs;
}

/**
 * Runs the command line through berth (config a) and, when installed, docker
 * (config b, fed the same stdin); checks both printed the same, asked the
 * same and left the same file. Returns berth's run and its requests.
 */
async function bothCLIs(t: TestContext, d: Daemon, args: string[], [a, b]: [string, string], input = ''): Promise<Ran & { requests: string[] }> {
  const ran = await berth(d.host, args, { config: a, input });
  const requests = requestLines(d.seen.splice(0));
  if (!hasDocker) {
    t.diagnostic('docker CLI not installed: berth checked on its own');
    return { ...ran, requests };
  }
  const k = await docker(d.host, args, b, input);
  const norm = (s: string, dir: string): string => s.split(dir).join('<CONFIG>').replace(/\bberth\b/g, 'docker');
  assert.deepEqual(requestLines(d.seen.splice(0)), requests, `requests of ${args.join(' ')}`);
  assert.equal(norm(ran.stdout, a), norm(k.stdout, b), `stdout of ${args.join(' ')}`);
  assert.equal(norm(ran.stderr, a), norm(k.stderr, b), `stderr of ${args.join(' ')}`);
  assert.equal(ran.status, k.status, `status of ${args.join(' ')}`);
  assert.equal(existsSync(join(a, 'config.json')), existsSync(join(b, 'config.json')), 'both have a config file or neither');
  if (existsSync(join(a, 'config.json'))) {
    assert.equal(fileOf(a), fileOf(b), `config file after ${args.join(' ')}`);
    assert.equal(modeOf(join(a, 'config.json')), modeOf(join(b, 'config.json')));
  }
  return { ...ran, requests };
}

describe('login', () => {
  it('checks -u/-p through POST /auth and stores them as docker does (0600 file, 0700 directory, warning once)', async (t) => {
    const d = await authDaemon(t);
    const dirs = twinConfigs(t);
    const first = await bothCLIs(t, d, ['login', '-u', 'bob', '-p', 'pw', '127.0.0.1:5000'], dirs);
    assert.deepEqual(first.requests, ['POST /auth? auth=- {"username":"bob","password":"pw","serveraddress":"127.0.0.1:5000"}\n']);
    assert.equal(first.stdout, 'Login Succeeded\n');
    assert.equal(first.stderr, PASSWORD_FLAG + warning(join(dirs[0], 'config.json')));
    assert.equal(fileOf(dirs[0]), '{\n\t"auths": {\n\t\t"127.0.0.1:5000": {\n\t\t\t"auth": "Ym9iOnB3"\n\t\t}\n\t}\n}');
    assert.equal(modeOf(join(dirs[0], 'config.json')), '600');
    assert.equal(modeOf(dirs[0]), '700');

    const again = await bothCLIs(t, d, ['login', '-u', 'bob', '-p', 'pw', '127.0.0.1:5000'], dirs);
    assert.equal(again.stderr, PASSWORD_FLAG, 'unchanged credentials are not written again, so no warning');
  });

  it('logs in with the stored credentials when given none, and refuses to ask without a terminal', async (t) => {
    const d = await authDaemon(t);
    const ok = `{"auths":{"127.0.0.1:5000":{"auth":"${b64('bob:pw')}"}}}`;
    const stored = await bothCLIs(t, d, ['login', '127.0.0.1:5000'], twinConfigs(t, ok));
    assert.equal(stored.stdout, 'Login Succeeded\n');
    assert.equal(stored.stderr, "Authenticating with existing credentials... [Username: bob]\n\n Info -> To login with a different account, run 'berth logout' followed by 'berth login'\n\n\n");

    const stale = `{"auths":{"127.0.0.1:5000":{"auth":"${b64('bob:old')}"}}}`;
    const refused = await bothCLIs(t, d, ['login', '127.0.0.1:5000'], twinConfigs(t, stale));
    assert.equal(refused.status, 1);
    assert.ok(refused.stderr.endsWith('Stored credentials invalid or expired\nError: Cannot perform an interactive login from a non TTY device\n'), refused.stderr);
  });

  it('prints the daemon\'s refusal of a wrong password and stores nothing', async (t) => {
    const d = await authDaemon(t);
    const dirs = twinConfigs(t);
    const r = await bothCLIs(t, d, ['login', '-u', 'bob', '-p', 'nope', '127.0.0.1:5000'], dirs);
    assert.deepEqual({ ...r, requests: [] }, {
      stdout: '',
      stderr: `${PASSWORD_FLAG}Error response from daemon: login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized\n`,
      status: 1,
      requests: [],
    });
    assert.equal(existsSync(join(dirs[0], 'config.json')), false);
  });

  it('takes --password-stdin less its line ending, and refuses docker\'s bad flag combinations', async (t) => {
    const d = await authDaemon(t);
    const ok = await bothCLIs(t, d, ['login', '-u', 'bob', '--password-stdin', 'http://127.0.0.1:5000/'], twinConfigs(t), '  pw  \r\n');
    assert.deepEqual(ok.requests, ['POST /auth? auth=- {"username":"bob","password":"pw","serveraddress":"127.0.0.1:5000"}\n']);
    const both = await bothCLIs(t, d, ['login', '-u', 'x', '-p', 'y', '--password-stdin', 'h:1'], twinConfigs(t), 'pw\n');
    assert.deepEqual([both.stderr, both.status], ['conflicting options: cannot specify both --password and --password-stdin\n', 1]);
    const noUser = await bothCLIs(t, d, ['login', '--password-stdin', 'h:1'], twinConfigs(t), 'pw\n');
    assert.deepEqual([noUser.stderr, noUser.status], ['the --password-stdin option requires --username to be set\n', 1]);
    const empty = await bothCLIs(t, d, ['login', '-u', 'x', '--password-stdin', 'h:1'], twinConfigs(t), '');
    assert.deepEqual([empty.stderr, empty.status], ['Error: Cannot perform an interactive login from a non TTY device\n', 1]);
    // docker 28.2.2 prints "SRun 'docker login --help'" here (a typo in its RequiresMaxArgs): only berth is checked.
    const many = await berth(d.host, ['login', 'a', 'b'], { config: configDir(t) });
    assert.deepEqual(many, {
      stdout: '',
      stderr: "berth: 'berth login' requires at most 1 argument\n\nUsage:  berth login [OPTIONS] [SERVER]\n\nRun 'berth login --help' for more information\n",
      status: 1,
    });
  });

  it('stores docker.io as Docker Hub\'s key and a URL as its host, keeping other keys of the file', async (t) => {
    const d = await authDaemon(t);
    const existing = '{\n\t"auths": {},\n\t"psFormat": "table {{.ID}}",\n\t"currentContext": "default"\n}';
    const dirs = twinConfigs(t, existing, 0o640);
    await bothCLIs(t, d, ['login', '-u', 'bob', '-p', 'pw', 'docker.io'], dirs);
    const r = await bothCLIs(t, d, ['login', '-u', 'bob', '-p', 'pw', 'HTTPS://Reg.Example:5001/v2/'], dirs);
    assert.deepEqual(r.requests, ['POST /auth? auth=- {"username":"bob","password":"pw","serveraddress":"Reg.Example:5001"}\n']);
    assert.equal(
      fileOf(dirs[0]),
      '{\n\t"auths": {\n\t\t"Reg.Example:5001": {\n\t\t\t"auth": "Ym9iOnB3"\n\t\t},\n\t\t"https://index.docker.io/v1/": {\n\t\t\t"auth": "Ym9iOnB3"\n\t\t}\n\t},\n' +
        '\t"psFormat": "table {{.ID}}",\n\t"currentContext": "default"\n}',
    );
    assert.equal(modeOf(join(dirs[0], 'config.json')), '640');
  });

  it('stores the registry\'s identity token instead of the password, without the warning', async (t) => {
    const d = await authDaemon(t, 'tok-123');
    const dirs = twinConfigs(t);
    const r = await bothCLIs(t, d, ['login', '-u', 'bob', '-p', 'pw', 'reg.example'], dirs);
    assert.equal(r.stderr, PASSWORD_FLAG);
    assert.equal(fileOf(dirs[0]), `{\n\t"auths": {\n\t\t"reg.example": {\n\t\t\t"auth": "${b64('bob:')}",\n\t\t\t"identitytoken": "tok-123"\n\t\t}\n\t}\n}`);
  });

  it('asks for username and password on a terminal, the password without echo (docker 28.2.2\'s prompts)', async (t) => {
    const d = await authDaemon(t);
    const config = configDir(t);
    const rawModes: boolean[] = [];
    const r = await berth(d.host, ['login', '127.0.0.1:5000'], { config, stdinTty: true, rawModes, input: 'bob\npw\r' });
    assert.deepEqual(r, { stdout: 'Username: Password: \nLogin Succeeded\n', stderr: warning(join(config, 'config.json')), status: 0 });
    assert.deepEqual(rawModes, [true, false]);

    const retry = await berth(d.host, ['login', '127.0.0.1:5000'], { config, stdinTty: true, input: '\nx\x7fpw\r' });
    assert.equal(retry.stdout, 'Login Succeeded\n', 'the stored credentials work: no prompt');
    writeFileSync(join(config, 'config.json'), `{"auths":{"127.0.0.1:5000":{"auth":"${b64('bob:old')}"}}}`);
    const stale = await berth(d.host, ['login', '127.0.0.1:5000'], { config, stdinTty: true, input: '\nx\x7fpw\r' });
    assert.equal(stale.stdout, 'Username (bob): Password: \nLogin Succeeded\n', 'an empty answer takes the stored user; DEL erases');
    assert.match(stale.stderr, /Stored credentials invalid or expired\n/);
  });

  it('shows docker\'s Docker Hub hints when asking for Hub credentials', async (t) => {
    const d = await authDaemon(t);
    const config = configDir(t);
    const r = await berth(d.host, ['login'], { config, stdinTty: true, input: 'bob\npw\n' });
    assert.equal(
      r.stdout,
      "Log in with your Docker ID or email address to push and pull images from Docker Hub. If you don't have a Docker ID, head over to https://hub.docker.com/ to create one.\n" +
        'You can log in with your password or a Personal Access Token (PAT). Using a limited-scope PAT grants better security and is required for organizations using SSO. Learn more at https://docs.docker.com/go/access-tokens/\n\n' +
        'Username: Password: \nLogin Succeeded\n',
    );
    assert.equal(
      r.stderr,
      '\n Info -> A Personal Access Token (PAT) can be used instead.\n         To create a PAT, visit \x1b[4mhttps://app.docker.com/settings\x1b[0m\n         \n         \n' +
        warning(join(config, 'config.json')),
    );
  });
});

describe('logout', () => {
  const FILE = `{\n\t"auths": {\n\t\t"127.0.0.1:5000": {\n\t\t\t"auth": "${b64('x:y')}"\n\t\t},\n\t\t"http://h2:5000": {\n\t\t\t"auth": "${b64('x:y')}"\n\t\t},\n\t\t"https://index.docker.io/v1/": {\n\t\t\t"auth": "${b64('x:y')}"\n\t\t}\n\t},\n\t"psFormat": "table {{.ID}}"\n}`;
  const noDaemon: Script = () => undefined;

  it('removes a registry\'s credentials under every form docker stored them, keeping the rest', async (t) => {
    const d = await scriptedDaemon(t, noDaemon);
    const dirs = twinConfigs(t, FILE, 0o640);
    assert.equal((await bothCLIs(t, d, ['logout', '127.0.0.1:5000'], dirs)).stdout, 'Removing login credentials for 127.0.0.1:5000\n');
    assert.equal((await bothCLIs(t, d, ['logout', 'https://h2:5000/v2/'], dirs)).stdout, 'Removing login credentials for h2:5000\n');
    assert.equal((await bothCLIs(t, d, ['logout'], dirs)).stdout, 'Removing login credentials for https://index.docker.io/v1/\n');
    assert.equal(fileOf(dirs[0]), '{\n\t"auths": {},\n\t"psFormat": "table {{.ID}}"\n}');
    assert.equal(modeOf(join(dirs[0], 'config.json')), '640');
    assert.equal(d.seen.length, 0, 'logout never asks the daemon');
  });

  it('says the same for a registry it has nothing for, and leaves the file (or its absence) alone', async (t) => {
    const d = await scriptedDaemon(t, noDaemon);
    const dirs = twinConfigs(t, '{}');
    const before = statSync(join(dirs[0], 'config.json')).mtimeMs;
    const r = await bothCLIs(t, d, ['logout', 'nothere:1'], dirs);
    assert.deepEqual([r.stdout, r.stderr, r.status], ['Removing login credentials for nothere:1\n', '', 0]);
    assert.equal(fileOf(dirs[0]), '{}');
    assert.equal(statSync(join(dirs[0], 'config.json')).mtimeMs, before);
    const none = twinConfigs(t);
    await bothCLIs(t, d, ['logout', 'foo:1'], none);
    assert.equal(existsSync(none[0]), false);
  });

  it('warns about a malformed config file and does not overwrite it', async (t) => {
    const d = await authDaemon(t);
    const dir = configDir(t);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), 'garbage');
    const r = await berth(d.host, ['login', '-u', 'bob', '-p', 'pw', 'h:1'], { config: dir });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^${PASSWORD_FLAG}WARNING: Error parsing config file \\(${join(dir, 'config.json')}\\): .+\nError saving credentials: refusing to overwrite`));
    assert.equal(fileOf(dir), 'garbage');
  });
});

describe('search', () => {
  const RESULTS = [
    { name: 'busybox', description: 'Busybox base image.', star_count: 3412, is_official: true, is_automated: false },
    { name: 'user/thing', description: 'A very long description that goes on and on well past forty five characters\nwith a <newline>', star_count: 0, is_official: false, is_automated: true },
  ];
  const searchDaemon = (t: TestContext): Promise<Daemon> =>
    scriptedDaemon(t, (r) => (r.path === '/images/search' ? { status: 200, body: RESULTS } : undefined));

  it('prints docker\'s table, truncated or not, and every --format form', async (t) => {
    const d = await searchDaemon(t);
    const dirs = twinConfigs(t);
    assert.equal(
      (await bothCLIs(t, d, ['search', 'busybox'], dirs)).stdout,
      'NAME         DESCRIPTION                                     STARS     OFFICIAL\n' +
        'busybox      Busybox base image.                             3412      [OK]\n' +
        'user/thing   A very long description that goes on and on …   0         \n',
    );
    for (const args of [
      ['search', '--no-trunc', 'busybox'],
      ['search', '--format', '{{.IsOfficial}}|{{.StarCount}}|{{.Description}}', 'busybox'],
      ['search', '--format', 'table {{.Name}}\t{{.IsOfficial}}', '--no-trunc', 'busybox'],
      ['search', '--format', 'json', 'busybox'],
      ['search', '--format', '{{json .}}', '--no-trunc', 'busybox'],
      ['search', '--format', 'table', 'busybox'],
    ]) {
      const r = await bothCLIs(t, d, args, dirs);
      assert.equal(r.status, 0, r.stderr);
    }
    const json = await berth(d.host, ['search', '--format', 'json', '--no-trunc', 'x'], { config: dirs[0] });
    assert.equal(json.stdout.split('\n')[1], '{"Description":"A very long description that goes on and on well past forty five characters with a \\u003cnewline\\u003e","IsOfficial":"false","Name":"user/thing","StarCount":"0"}');
  });

  it('sends limit, filters and the term\'s registry credentials as docker does', async (t) => {
    const d = await searchDaemon(t);
    const dirs = twinConfigs(t, `{"auths":{"127.0.0.1:5000":{"auth":"${b64('bob:pw')}"},"https://index.docker.io/v1/":{"auth":"${b64('hub:pw')}"}}}`);
    const hub = Buffer.from('{"username":"hub","password":"pw","serveraddress":"https://index.docker.io/v1/"}').toString('base64');
    const local = Buffer.from('{"username":"bob","password":"pw","serveraddress":"127.0.0.1:5000"}').toString('base64');
    const a = await bothCLIs(t, d, ['search', '--limit', '5', '-f', 'stars=3', '--filter', 'is-official=true', '127.0.0.1:5000/busy'], dirs);
    assert.deepEqual(a.requests, [`GET /images/search?filters=%7B%22is-official%22%3A%7B%22true%22%3Atrue%7D%2C%22stars%22%3A%7B%223%22%3Atrue%7D%7D&limit=5&term=127.0.0.1%3A5000%2Fbusy auth=${local}`]);
    const b = await bothCLIs(t, d, ['search', '--limit', '0', 'tok.example'], dirs);
    assert.deepEqual(b.requests, [`GET /images/search?term=tok.example auth=${hub}`]);
    const c = await bothCLIs(t, d, ['search', '-f', 'is-automated=true', 'localhost:5000/x'], dirs);
    assert.deepEqual(c.requests, ['GET /images/search?filters=%7B%22is-automated%22%3A%7B%22true%22%3Atrue%7D%7D&term=localhost%3A5000%2Fx auth=e30=']);
    assert.equal(c.stderr, 'WARNING: the "is-automated" filter is deprecated, and searching for "is-automated=true" will not yield any results in future.\n');
  });

  it('fails as docker does on a bad template, a bad flag and the daemon\'s refusal', async (t) => {
    const d = await searchDaemon(t);
    const dirs = twinConfigs(t);
    const tmpl = await bothCLIs(t, d, ['search', '--format', '{{.IsAutomated}}', 'busybox'], dirs);
    assert.deepEqual([tmpl.stdout, tmpl.stderr, tmpl.status], ['', 'template parsing error: template: :1:2: executing "" at <.IsAutomated>: can\'t evaluate field IsAutomated in type *registry.searchContext\n', 1]);
    assert.equal((await bothCLIs(t, d, ['search', '--limit', 'x', 'busybox'], dirs)).status, 125);
    assert.equal((await bothCLIs(t, d, ['search'], dirs)).status, 1);
    const none = await scriptedDaemon(t, (r) => (r.path === '/images/search' ? { status: 501, body: { message: 'registry 127.0.0.1:5000 does not offer search' } } : undefined));
    const refused = await bothCLIs(t, none, ['search', '127.0.0.1:5000/x'], twinConfigs(t));
    assert.deepEqual([refused.stdout, refused.stderr, refused.status], ['', 'Error response from daemon: registry 127.0.0.1:5000 does not offer search\n', 1]);
  });
});
