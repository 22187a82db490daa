/**
 * The `berth` command itself: its global flags (-H) and --version. The whole
 * tree hangs off it in index.ts; `berth compose …` hangs the compose group
 * alone off it (compose/compose.ts), so a compose verb loads none of the
 * other commands (src/cmd/berth.ts picks which).
 */
import { Option } from 'commander';
import type { BerthCli } from '../cli-context.js';
import { cliVersion } from '../cli-version.js';
import { defaultHost } from '../client.js';
import { BerthCommand } from './command.js';

export interface GlobalOptions {
  host?: string[];
}

export function newRootCommand(cli: BerthCli): BerthCommand {
  const program = new BerthCommand('berth')
    .use('berth [OPTIONS] COMMAND')
    .description('A self-sufficient runtime for containers')
    .addOption(
      new Option('-H, --host <list>', `Daemon socket to connect to (default "${defaultHost()}")`).argParser(
        (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
      ),
    )
    .version(`Berth version ${cliVersion()}`, '-v, --version', 'Print version information and quit');
  program.hook('preAction', () => {
    const hosts = program.opts<GlobalOptions>().host;
    if (hosts !== undefined && hosts.length > 0) cli.setHost(hosts[hosts.length - 1]!);
  });
  return program;
}

/**
 * The command word of a `berth` command line (the first argument that is not a global flag or
 * its value), or undefined when there is none or when --help/--version come first (the whole
 * tree answers those).
 */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-H' || a === '--host') {
      i++;
      continue;
    }
    if (a === '--') return argv[i + 1];
    if (a.startsWith('-H') || a.startsWith('--host=')) continue;
    if (a.startsWith('-')) return undefined;
    return a;
  }
  return undefined;
}
