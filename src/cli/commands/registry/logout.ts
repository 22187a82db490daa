/**
 * `berth logout [SERVER]`: forget the credentials `berth login` (or `docker
 * login`) stored for a registry, as docker 28 does.
 *
 * Always prints "Removing login credentials for <host>" (docker 28 no longer
 * says "Not logged in to …"). Besides the key itself, the forms older docker
 * versions stored the same registry under are removed too: host,
 * http://host, https://host. No SERVER means Docker Hub. The config file is
 * only rewritten when something was removed.
 */
import type { BerthCli } from '../../cli-context.js';
import { convertToHostname, INDEX_SERVER } from '../../config/auth-config.js';
import { loadConfigFile } from '../../config/registry-credentials.js';
import { BerthCommand } from '../command.js';

export function newLogoutCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('logout')
    .use('logout [SERVER]')
    .description('Log out from a registry.\nIf no server is specified, the default is defined by the daemon.')
    .summary('Log out from a registry')
    .run<object>({ max: 1 }, ([server]) => runLogout(cli, server ?? ''));
}

export async function runLogout(cli: BerthCli, server: string): Promise<void> {
  const isDefault = server === '';
  const address = isDefault ? INDEX_SERVER : server;
  const hostname = isDefault ? address : convertToHostname(address);
  const keys = isDefault ? [address] : [address, hostname, `http://${hostname}`, `https://${hostname}`];

  const config = await loadConfigFile(cli);
  cli.println(`Removing login credentials for ${hostname}`);
  try {
    await config.erase([...new Set(keys)]);
  } catch (err) {
    cli.eprintln('WARNING: could not erase credentials:');
    const reason = err instanceof Error ? err.message : String(err);
    for (const k of keys) cli.println(`${k}: ${reason}`);
  }
}
