/**
 * `berth login [-u USER] [-p PASS | --password-stdin] [SERVER]`: check
 * credentials through the daemon (POST /auth) and store them in the docker
 * config file, as docker 28 does.
 *
 *   no -u/-p, stored credentials    "Authenticating with existing credentials…", try them;
 *                                   if refused, ask again (Username (bob): …)
 *   no -u or no -p, stdin a tty     ask for what is missing (password without echo)
 *   no -u or no -p, stdin not a tty "Error: Cannot perform an interactive login from a non TTY device"
 *   --password-stdin                the password is stdin, less one trailing newline
 *
 * Success prints the daemon's status ("Login Succeeded"); storing a password
 * (not a registry token) prints docker's unencrypted-storage warning on
 * stderr. A refused login is the daemon's 401, printed as
 * "Error response from daemon: …", exit 1, and stores nothing. SERVER
 * defaults to Docker Hub ("https://index.docker.io/v1/"); another is stored
 * under its host[:port]. Unlike docker, no web-based (device code) login is
 * tried for Docker Hub: Berth goes straight to the username prompt.
 */
import { BerthError, InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { isDaemonError } from '../../client/daemon-error.js';
import { readBody } from '../../client/transport.js';
import type { AuthenticateResponse, RegistryAuthConfig } from '../../client/types.js';
import { loginServerAddress } from '../../config/auth-config.js';
import type { ConfigFile } from '../../config/config-file.js';
import { printNote, promptForCredentials } from '../../config/credential-prompt.js';
import { loadConfigFile } from '../../config/registry-credentials.js';
import { BIN } from '../../exit-code.js';
import { BerthCommand } from '../command.js';

export interface LoginOptions {
  server?: string;
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

export function newLoginCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('login')
    .use('login [OPTIONS] [SERVER]')
    .description('Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.')
    .summary('Authenticate to a registry')
    .option('-p, --password <string>', 'Password or Personal Access Token (PAT)')
    .option('--password-stdin', 'Take the Password or Personal Access Token (PAT) from stdin')
    .option('-u, --username <string>', 'Username')
    .run<{ username?: string; password?: string; passwordStdin?: boolean }>({ max: 1 }, ([server], f) =>
      runLogin(cli, { server, username: f.username, password: f.password, passwordStdin: f.passwordStdin === true }),
    );
}

const UNENCRYPTED_WARNING = (file: string): string =>
  `\nWARNING! Your credentials are stored unencrypted in '${file}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n`;

export async function runLogin(cli: BerthCli, o: LoginOptions): Promise<void> {
  const user = o.username ?? '';
  let password = o.password ?? '';
  // docker's verifyLoginOptions, in its order.
  if (password !== '' && o.passwordStdin === true) throw new InvalidArgumentError('conflicting options: cannot specify both --password and --password-stdin');
  if (o.passwordStdin === true && user === '') throw new InvalidArgumentError('the --password-stdin option requires --username to be set');
  if (password !== '') cli.eprintln('WARNING! Using --password via the CLI is insecure. Use --password-stdin.');
  if (o.passwordStdin === true) password = (await readBody(cli.in)).toString('utf8').replace(/\n$/, '').replace(/\r$/, '');

  const serverAddress = loginServerAddress(o.server);
  const config = await loadConfigFile(cli);
  const stored: RegistryAuthConfig =
    user === '' && password === '' ? { ...config.getAuthConfig(serverAddress), serveraddress: serverAddress } : { serveraddress: serverAddress };
  delete stored.identitytoken;

  if ((stored.username ?? '') !== '' && (stored.password ?? '') !== '') {
    const status = await loginWithStoredCredentials(cli, config, stored);
    if (status !== undefined) {
      if (status !== '') cli.println(status);
      return;
    }
  }

  if ((user === '' || password === '') && cli.in.isTTY !== true) {
    throw new InvalidArgumentError('Error: Cannot perform an interactive login from a non TTY device');
  }
  const auth = await promptForCredentials(cli, { user, password, defaultUsername: stored.username, serverAddress });
  const response = await cli.client.system.login(auth);
  await storeCredentials(cli, config, withIdentityToken(auth, response));
  if ((response.Status ?? '') !== '') cli.println(response.Status);
}

/** docker's loginWithStoredCredentials: undefined when they were refused (then the user is asked). */
async function loginWithStoredCredentials(cli: BerthCli, config: ConfigFile, stored: RegistryAuthConfig): Promise<string | undefined> {
  cli.err.write(`Authenticating with existing credentials... [Username: ${stored.username}]\n`);
  printNote(cli.err, `To login with a different account, run '${BIN} logout' followed by '${BIN} login'`);
  cli.err.write('\n\n');
  let response: AuthenticateResponse;
  try {
    response = await cli.client.system.login(stored);
  } catch (err) {
    if (isDaemonError(err) && err.statusCode === 401) cli.eprintln('Stored credentials invalid or expired');
    else cli.eprintln(`Login did not succeed, error: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  await storeCredentials(cli, config, withIdentityToken(stored, response));
  return response.Status ?? '';
}

/** A registry's identity token replaces the password in what is stored. */
function withIdentityToken(auth: RegistryAuthConfig, response: AuthenticateResponse): RegistryAuthConfig {
  if ((response.IdentityToken ?? '') === '') return auth;
  const out: RegistryAuthConfig = { ...auth, identitytoken: response.IdentityToken };
  delete out.password;
  return out;
}

async function storeCredentials(cli: BerthCli, config: ConfigFile, auth: RegistryAuthConfig): Promise<void> {
  let changed: boolean;
  try {
    changed = await config.store(auth);
  } catch (err) {
    throw new BerthError(`Error saving credentials: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (changed && (auth.password ?? '') !== '') cli.eprintln(UNENCRYPTED_WARNING(config.filename));
}
