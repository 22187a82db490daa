/**
 * `berth compose exec SERVICE COMMAND [ARG...]`: run a command in a
 * service's running container (replica --index, default 1), with a tty
 * when stdin is a terminal unless -T; exits with the command's status.
 */
import { NotFoundError } from '../../../errors.js';
import { listProjectContainers } from '../../../compose/project-containers.js';
import { BerthCommand, minArgs } from '../command.js';
import { intOption, listOption } from '../flags.js';
import type { ComposeCli } from './compose-cli.js';

export interface ComposeExecFlags {
  detach?: boolean;
  env?: string[];
  index?: number;
  tty?: boolean;
  user?: string;
  workdir?: string;
  privileged?: boolean;
}

export function newComposeExecCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('exec')
    .use('exec [OPTIONS] SERVICE COMMAND [ARGS...]')
    .description('Execute a command in a running container')
    .passThroughOptions()
    .option('-d, --detach', 'Detached mode: Run command in the background')
    .addOption(listOption('-e, --env <stringArray>', 'Set environment variables'))
    .addOption(intOption('--index <int>', 'Index of the container if service has multiple replicas', 1))
    .option('-T, --no-tty', 'Disable pseudo-TTY allocation. By default `compose exec` allocates a TTY')
    .option('--privileged', 'Give extended privileges to the process')
    .option('-u, --user <string>', 'Run the command as this user')
    .option('-w, --workdir <string>', 'Path to workdir directory for this command')
    .run<ComposeExecFlags>(minArgs(2), (args, f) => runComposeExec(c, args[0]!, args.slice(1), f));
}

export async function runComposeExec(c: ComposeCli, service: string, command: string[], f: ComposeExecFlags): Promise<void> {
  const { name } = c.loadOrName();
  const index = f.index ?? 1;
  const containers = await listProjectContainers(c.cli.client, name, { services: [service] });
  const target = containers.find((x) => x.number === index);
  if (target === undefined) throw new NotFoundError(`service "${service}" is not running container #${index}`);
  const tty = f.tty !== false && c.cli.in.isTTY === true;
  const { runExec } = await import('../container/exec.js');
  await runExec(c.cli, {
    container: target.id,
    command,
    detach: f.detach === true,
    interactive: f.detach !== true,
    tty,
    env: f.env ?? [],
    envFile: [],
    ...(f.user !== undefined ? { user: f.user } : {}),
    ...(f.workdir !== undefined ? { workdir: f.workdir } : {}),
    privileged: f.privileged === true,
  });
}
