/**
 * `berth image bootstrap busybox` (Berth only): have the daemon build
 * busybox:latest from the host's static busybox, so a machine without a
 * registry can run containers. Calls POST /berth/images/bootstrap.
 */
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { readBody } from '../../client/transport.js';
import { checkJsonMessage, formatJsonMessage } from '../../stream/json-message.js';
import type { JsonMessage } from '../../client/types.js';
import { BerthCommand, exactArgs } from '../command.js';

export interface BootstrapOptions {
  image: string;
}

export function newBootstrapCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('bootstrap')
    .use('bootstrap IMAGE[:TAG]')
    .description("Build a base image from the host's tools (only busybox)")
    .run(exactArgs(1), ([image]) => runBootstrap(cli, { image: image! }));
}

export async function runBootstrap(cli: BerthCli, o: BootstrapOptions): Promise<void> {
  const colon = o.image.lastIndexOf(':');
  const name = colon > 0 ? o.image.slice(0, colon) : o.image;
  const tag = colon > 0 ? o.image.slice(colon + 1) : 'latest';
  if (name !== 'busybox') throw new InvalidArgumentError(`unknown bootstrap image: ${name} (only busybox can be made offline)`);
  const res = await cli.client.images.bootstrap(name, tag);
  // The daemon answers one JSON document ({"Id", "Tags"}) or a JSON message stream: accept both.
  const text = (await readBody(res)).toString('utf8').trim();
  for (const m of parseMessages(text)) {
    checkJsonMessage(m);
    const shown = formatJsonMessage(m);
    if (shown !== undefined) cli.out.write(shown);
  }
  cli.println(`Bootstrapped image: ${name}:${tag}`);
}

function parseMessages(text: string): JsonMessage[] {
  if (text === '') return [];
  try {
    return [JSON.parse(text) as JsonMessage];
  } catch {
    return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as JsonMessage);
  }
}
