#!/usr/bin/env node
/**
 * `berth`: the Docker-compatible CLI. Parse the command line, run the
 * command, and turn whatever it threw into docker's message and exit code —
 * here, once (the table is src/cli/exit-code.ts).
 */
import { BerthCli } from '../cli/cli-context.js';
import type { BerthCommand } from '../cli/commands/command.js';
import { commandWord } from '../cli/commands/root-command.js';
import { decideExit } from '../cli/exit-code.js';

/**
 * The command tree for this command line, loaded on demand: `berth compose …` loads the compose
 * commands alone (start-up is module loading, most of a `compose up` that has nothing to do).
 */
async function programFor(cli: BerthCli, argv: readonly string[]): Promise<BerthCommand> {
  if (commandWord(argv) === 'compose') return (await import('../cli/commands/compose/compose.js')).buildComposeProgram(cli);
  return (await import('../cli/commands/index.js')).buildProgram(cli);
}

async function main(argv: readonly string[]): Promise<number> {
  const cli = new BerthCli();
  // `berth ps | head -1` closes our stdout early: that is not an error to report.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  try {
    await (await programFor(cli, argv)).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    const { status, message } = decideExit(err);
    if (message !== '') process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
    return status;
  } finally {
    cli.close();
  }
}

const status = await main(process.argv.slice(2));
// Exit explicitly: an attached stdin or a keep-alive socket must not hold the process open.
// Writes to pipes and files are synchronous on Linux; wait for a terminal's queue to drain.
process.stdout.write('', () => process.exit(status));
