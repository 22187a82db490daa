/**
 * `berth system ping` (hidden): GET /_ping; prints "OK" and the daemon's API
 * version. Useful to check a socket from scripts and tests.
 */
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, noArgs } from '../command.js';

export function newPingCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('ping')
    .use('ping')
    .description('Check that the daemon answers')
    .run(noArgs, () => runPing(cli));
}

export async function runPing(cli: BerthCli): Promise<void> {
  const res = await cli.client.system.ping();
  cli.println(`${res.body.trim() || 'OK'} (API version ${res.apiVersion ?? 'unknown'})`);
}
