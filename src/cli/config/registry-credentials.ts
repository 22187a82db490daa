/**
 * What pull, push and search send as X-Registry-Auth, and their second try
 * after the daemon answers 401.
 *
 *   config file → credentials under the registry's key → base64url JSON header
 *   401 and stdin a terminal → "Login prior to pull:" → prompt → same call again
 *
 * The retried credentials are used once and not stored (docker stores only
 * on `login`). Off a terminal the 401 is the command's error: docker would
 * print its prompt and then fail reading the password from a pipe (or wait
 * forever on an empty one), which helps nobody.
 */
import type { BerthCli } from '../cli-context.js';
import { isDaemonError } from '../client/daemon-error.js';
import { convertToHostname, encodeAuthConfig, INDEX_SERVER } from './auth-config.js';
import { ConfigFile, configFilePath } from './config-file.js';
import { promptForCredentials } from './credential-prompt.js';

/** The config file for this process's environment; load trouble is printed as docker's WARNING on stderr. */
export function loadConfigFile(cli: BerthCli, env: NodeJS.ProcessEnv = process.env): Promise<ConfigFile> {
  return ConfigFile.load(configFilePath(env), (message) => cli.eprintln(message));
}

/** X-Registry-Auth for the registry under `key` ("e30=" when nothing is stored). */
export function registryAuthHeader(config: ConfigFile, key: string): string {
  return encodeAuthConfig(config.getAuthConfig(key));
}

/**
 * Calls `call` with the stored credentials for `key`; when the daemon
 * answers 401 and the user can be asked, asks as docker does before
 * `verb` and calls once more with the answer.
 */
export async function withLoginRetry<T>(
  cli: BerthCli,
  config: ConfigFile,
  key: string,
  verb: string,
  call: (registryAuth: string) => Promise<T>,
): Promise<T> {
  try {
    return await call(registryAuthHeader(config, key));
  } catch (err) {
    if (!isDaemonError(err) || err.statusCode !== 401 || cli.in.isTTY !== true) throw err;
    cli.out.write(`\nLogin prior to ${verb}:\n`);
    const stored = config.getAuthConfig(key === INDEX_SERVER ? key : convertToHostname(key));
    const answer = await promptForCredentials(cli, { defaultUsername: stored.username, serverAddress: key });
    return call(encodeAuthConfig(answer));
  }
}
