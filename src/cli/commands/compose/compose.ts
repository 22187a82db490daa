/**
 * `berth compose`: multi-container applications from compose files, run on
 * the client side as docker's compose plugin is — the files are read here
 * (src/compose/) and berthd is driven through the Engine API.
 *
 * The project flags belong to `compose` itself and come before the verb:
 * `berth compose -f a.yaml -p demo up -d`. Each verb has its own file and
 * is built here by an explicit factory call.
 */
import { Option } from 'commander';
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand } from '../command.js';
import { listOption } from '../flags.js';
import { newRootCommand } from '../root-command.js';
import { ComposeCli } from './compose-cli.js';
import { newComposeConfigCommand } from './config.js';
import { newComposeCreateCommand } from './create.js';
import { newComposeDownCommand } from './down.js';
import { newComposeExecCommand } from './exec.js';
import { newComposeImagesCommand } from './images.js';
import { newComposeBuildCommand, newComposePullCommand, newComposePushCommand } from './images-verbs.js';
import { newComposeKillCommand } from './kill.js';
import { newComposeLogsCommand } from './logs.js';
import { newComposeLsCommand } from './ls.js';
import { newComposePauseCommand, newComposeUnpauseCommand } from './pause.js';
import { newComposePortCommand } from './port.js';
import { newComposePsCommand } from './ps.js';
import { newComposeRestartCommand } from './restart.js';
import { newComposeRmCommand } from './rm.js';
import { newComposeRunCommand } from './run.js';
import { newComposeStartCommand } from './start.js';
import { newComposeStopCommand } from './stop.js';
import { newComposeTopCommand } from './top.js';
import { newComposeUpCommand } from './up.js';

type VerbFactory = (c: ComposeCli) => BerthCommand;

/** Every verb's factory; read this list to see what `berth compose` can do. */
const VERBS: ReadonlyArray<VerbFactory> = [
  newComposeBuildCommand,
  newComposeConfigCommand,
  newComposeCreateCommand,
  newComposeDownCommand,
  newComposeExecCommand,
  newComposeImagesCommand,
  newComposeKillCommand,
  newComposeLogsCommand,
  newComposeLsCommand,
  newComposePauseCommand,
  newComposePortCommand,
  newComposePsCommand,
  newComposePullCommand,
  newComposePushCommand,
  newComposeRestartCommand,
  newComposeRmCommand,
  newComposeRunCommand,
  newComposeStartCommand,
  newComposeStopCommand,
  newComposeTopCommand,
  newComposeUnpauseCommand,
  newComposeUpCommand,
];

export function newComposeCommand(cli: BerthCli): BerthCommand {
  const group = new BerthCommand('compose')
    .use('compose [OPTIONS] COMMAND')
    .description('Define and run multi-container applications')
    .addOption(listOption('-f, --file <stringArray>', 'Compose configuration files'))
    .addOption(new Option('-p, --project-name <string>', 'Project name'))
    .addOption(new Option('--project-directory <string>', 'Specify an alternate working directory (default: the path of the first specified Compose file)'))
    .addOption(listOption('--env-file <stringArray>', 'Specify an alternate environment file'))
    .addOption(listOption('--profile <stringArray>', 'Specify a profile to enable'));
  const c = new ComposeCli(cli, group);
  for (const factory of VERBS) group.addCommand(inheritProjectFlags(group, factory(c)));
  // The verb's copies of the project flags are read along with the group's (ComposeCli.flags).
  group.hook('preAction', (_group, action) => c.setVerbFlags(action.opts()));
  return group;
}

/**
 * `berth` with the compose group alone, for `berth compose …` command lines
 * (src/cmd/berth.ts): a compose verb then loads none of the other commands,
 * which is most of the CLI's start-up — and of a `compose up` with nothing to do.
 */
export function buildComposeProgram(cli: BerthCli): BerthCommand {
  return newRootCommand(cli).addCommand(newComposeCommand(cli));
}

/**
 * docker compose's project flags are cobra persistent flags: they may also
 * follow the verb (`compose up -p demo`). Each verb gets hidden copies of
 * those it does not use itself (`logs -f` stays --follow, `run -p` --publish).
 */
function inheritProjectFlags(group: BerthCommand, verb: BerthCommand): BerthCommand {
  for (const o of group.options) {
    const taken = verb.options.some((v) => (o.short !== undefined && v.short === o.short) || v.long === o.long);
    if (taken) {
      if (!verb.options.some((v) => v.long === o.long)) verb.addOption(copyOption(o, false));
      continue;
    }
    verb.addOption(copyOption(o, true));
  }
  return verb;
}

/** A hidden copy of a project flag; without its shorthand when the verb uses that letter. */
function copyOption(o: Option, keepShort: boolean): Option {
  const flags = keepShort && o.short !== undefined ? `${o.short}, ${o.long}` : o.long!;
  const copy = new Option(`${flags} ${o.required ? '<value>' : ''}`.trim(), o.description).hideHelp();
  if (o.parseArg !== undefined) copy.argParser(o.parseArg);
  return copy;
}
