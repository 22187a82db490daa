/**
 * The command tree: `berth <object> <verb>` groups, and the top-level
 * aliases docker keeps for its old flat commands (`berth run` = `berth
 * container run`, `ps` = `container ls`, …), declared once in TOP_LEVEL.
 *
 * Every command is built by an explicit factory call here (no
 * self-registration): read this file to see everything `berth` can do.
 */
import type { BerthCli } from '../cli-context.js';
import { BerthCommand } from './command.js';
import { newRootCommand } from './root-command.js';
import { newBuilderPruneCommand } from './builder/prune.js';
import { newAttachCommand } from './container/attach.js';
import { newCommitCommand } from './container/commit.js';
import { newComposeCommand } from './compose/compose.js';
import { newCpCommand } from './container/cp.js';
import { newCreateCommand } from './container/create.js';
import { newDiffCommand } from './container/diff.js';
import { newExecCommand } from './container/exec.js';
import { newExportCommand } from './container/export.js';
import { newInspectCommand } from './container/inspect.js';
import { newKillCommand } from './container/kill.js';
import { newLogsCommand } from './container/logs.js';
import { newListCommand } from './container/ls.js';
import { newPauseCommand } from './container/pause.js';
import { newPortCommand } from './container/port.js';
import { newPruneCommand } from './container/prune.js';
import { newRenameCommand } from './container/rename.js';
import { newRestartCommand } from './container/restart.js';
import { newRmCommand } from './container/rm.js';
import { newRunCommand } from './container/run.js';
import { newStartCommand } from './container/start.js';
import { newStatsCommand } from './container/stats.js';
import { newStopCommand } from './container/stop.js';
import { newTopCommand } from './container/top.js';
import { newUnpauseCommand } from './container/unpause.js';
import { newUpdateCommand } from './container/update.js';
import { newWaitCommand } from './container/wait.js';
import { newBootstrapCommand } from './image/bootstrap.js';
import { newBuildCommand } from './image/build.js';
import { newHistoryCommand } from './image/history.js';
import { newImportCommand } from './image/import.js';
import { newImageInspectCommand } from './image/inspect.js';
import { newLayersCommand } from './image/layers.js';
import { newLoadCommand } from './image/load.js';
import { newImageListCommand } from './image/ls.js';
import { newImagePruneCommand } from './image/prune.js';
import { newPullCommand } from './image/pull.js';
import { newPushCommand } from './image/push.js';
import { newImageRmCommand } from './image/rm.js';
import { newSaveCommand } from './image/save.js';
import { newTagCommand } from './image/tag.js';
import { newNetworkConnectCommand } from './network/connect.js';
import { newNetworkCreateCommand } from './network/create.js';
import { newNetworkDisconnectCommand } from './network/disconnect.js';
import { newNetworkInspectCommand } from './network/inspect.js';
import { newNetworkListCommand } from './network/ls.js';
import { newNetworkPruneCommand } from './network/prune.js';
import { newNetworkRmCommand } from './network/rm.js';
import { newRegistryGcCommand } from './registry/gc.js';
import { newLoginCommand } from './registry/login.js';
import { newLogoutCommand } from './registry/logout.js';
import { newSearchCommand } from './registry/search.js';
import { newRegistryServeCommand } from './registry/serve.js';
import { newDiskUsageCommand } from './system/df.js';
import { newEventsCommand } from './system/events.js';
import { newInfoCommand } from './system/info.js';
import { newSystemInspectCommand } from './system/inspect.js';
import { newPingCommand } from './system/ping.js';
import { newSystemPruneCommand } from './system/prune.js';
import { newVersionCommand } from './system/version.js';
import { newVolumeCreateCommand } from './volume/create.js';
import { newVolumeInspectCommand } from './volume/inspect.js';
import { newVolumeListCommand } from './volume/ls.js';
import { newVolumePruneCommand } from './volume/prune.js';
import { newVolumeRmCommand } from './volume/rm.js';

type Factory = (cli: BerthCli) => BerthCommand;

interface Verb {
  factory: Factory;
  aliases?: string[];
  hidden?: boolean;
}

/** object → verb → how to build it. */
export const GROUPS: Readonly<Record<string, { description: string; verbs: Readonly<Record<string, Verb>> }>> = {
  container: {
    description: 'Manage containers',
    verbs: {
      attach: { factory: newAttachCommand },
      commit: { factory: newCommitCommand },
      cp: { factory: newCpCommand },
      create: { factory: newCreateCommand },
      diff: { factory: newDiffCommand },
      exec: { factory: newExecCommand },
      export: { factory: newExportCommand },
      inspect: { factory: newInspectCommand },
      kill: { factory: newKillCommand },
      logs: { factory: newLogsCommand },
      ls: { factory: newListCommand, aliases: ['ps', 'list'] },
      pause: { factory: newPauseCommand },
      port: { factory: newPortCommand },
      prune: { factory: newPruneCommand },
      rename: { factory: newRenameCommand },
      restart: { factory: newRestartCommand },
      rm: { factory: newRmCommand, aliases: ['remove'] },
      run: { factory: newRunCommand },
      start: { factory: newStartCommand },
      stats: { factory: newStatsCommand },
      stop: { factory: newStopCommand },
      top: { factory: newTopCommand },
      unpause: { factory: newUnpauseCommand },
      update: { factory: newUpdateCommand },
      wait: { factory: newWaitCommand },
    },
  },
  image: {
    description: 'Manage images',
    verbs: {
      bootstrap: { factory: newBootstrapCommand },
      build: { factory: newBuildCommand },
      history: { factory: newHistoryCommand },
      import: { factory: newImportCommand },
      inspect: { factory: newImageInspectCommand },
      layers: { factory: newLayersCommand },
      load: { factory: newLoadCommand },
      ls: { factory: newImageListCommand, aliases: ['list'] },
      prune: { factory: newImagePruneCommand },
      pull: { factory: newPullCommand },
      push: { factory: newPushCommand },
      rm: { factory: newImageRmCommand, aliases: ['remove'] },
      save: { factory: newSaveCommand },
      tag: { factory: newTagCommand },
    },
  },
  volume: {
    description: 'Manage volumes',
    verbs: {
      create: { factory: newVolumeCreateCommand },
      inspect: { factory: newVolumeInspectCommand },
      ls: { factory: newVolumeListCommand, aliases: ['list'] },
      prune: { factory: newVolumePruneCommand },
      rm: { factory: newVolumeRmCommand, aliases: ['remove'] },
    },
  },
  network: {
    description: 'Manage networks',
    verbs: {
      connect: { factory: newNetworkConnectCommand },
      create: { factory: newNetworkCreateCommand },
      disconnect: { factory: newNetworkDisconnectCommand },
      inspect: { factory: newNetworkInspectCommand },
      ls: { factory: newNetworkListCommand, aliases: ['list'] },
      prune: { factory: newNetworkPruneCommand },
      rm: { factory: newNetworkRmCommand, aliases: ['remove'] },
    },
  },
  registry: {
    description: 'Run a registry',
    verbs: {
      gc: { factory: newRegistryGcCommand },
      // docker's top-level login/logout/search (docker/cli command/registry/); hidden here, shown at the top.
      login: { factory: newLoginCommand, hidden: true },
      logout: { factory: newLogoutCommand, hidden: true },
      search: { factory: newSearchCommand, hidden: true },
      serve: { factory: newRegistryServeCommand },
    },
  },
  builder: {
    description: 'Manage builds',
    verbs: {
      build: { factory: newBuildCommand },
      prune: { factory: newBuilderPruneCommand },
    },
  },
  system: {
    description: 'Manage Berth',
    verbs: {
      df: { factory: newDiskUsageCommand },
      events: { factory: newEventsCommand },
      info: { factory: newInfoCommand },
      inspect: { factory: newSystemInspectCommand, hidden: true },
      ping: { factory: newPingCommand, hidden: true },
      prune: { factory: newSystemPruneCommand },
      version: { factory: newVersionCommand, hidden: true },
    },
  },
};

/** Top-level name → [object, verb] it stands for (docker's legacy commands). */
export const TOP_LEVEL: Readonly<Record<string, readonly [string, string]>> = {
  attach: ['container', 'attach'],
  commit: ['container', 'commit'],
  cp: ['container', 'cp'],
  create: ['container', 'create'],
  diff: ['container', 'diff'],
  exec: ['container', 'exec'],
  export: ['container', 'export'],
  kill: ['container', 'kill'],
  logs: ['container', 'logs'],
  pause: ['container', 'pause'],
  port: ['container', 'port'],
  ps: ['container', 'ls'],
  rename: ['container', 'rename'],
  restart: ['container', 'restart'],
  rm: ['container', 'rm'],
  run: ['container', 'run'],
  start: ['container', 'start'],
  stats: ['container', 'stats'],
  stop: ['container', 'stop'],
  top: ['container', 'top'],
  unpause: ['container', 'unpause'],
  update: ['container', 'update'],
  wait: ['container', 'wait'],
  build: ['image', 'build'],
  history: ['image', 'history'],
  images: ['image', 'ls'],
  import: ['image', 'import'],
  load: ['image', 'load'],
  pull: ['image', 'pull'],
  push: ['image', 'push'],
  rmi: ['image', 'rm'],
  save: ['image', 'save'],
  tag: ['image', 'tag'],
  login: ['registry', 'login'],
  logout: ['registry', 'logout'],
  search: ['registry', 'search'],
  events: ['system', 'events'],
  info: ['system', 'info'],
  inspect: ['system', 'inspect'],
  version: ['system', 'version'],
};

export type { GlobalOptions } from './root-command.js';

/** Builds the whole `berth` program around one CLI context. */
export function buildProgram(cli: BerthCli): BerthCommand {
  const program = newRootCommand(cli);
  for (const [object, group] of Object.entries(GROUPS)) {
    const cmd = new BerthCommand(object).use(`${object} COMMAND`).description(group.description);
    for (const [verb, spec] of Object.entries(group.verbs)) {
      const sub = spec.factory(cli);
      if (spec.aliases !== undefined) sub.aliases(spec.aliases);
      cmd.addCommand(sub, spec.hidden === true ? { hidden: true } : {});
      if (sub.name() !== verb) throw new Error(`command ${object} ${verb} is named ${sub.name()}`);
    }
    program.addCommand(cmd);
  }
  // compose has flags of its own before the verb (-f, -p), so it is built whole by its factory.
  program.addCommand(newComposeCommand(cli));
  for (const [name, [object, verb]] of Object.entries(TOP_LEVEL)) {
    const spec = GROUPS[object]?.verbs[verb];
    if (spec === undefined) throw new Error(`alias ${name} points at missing ${object} ${verb}`);
    program.addCommand(spec.factory(cli).rename(name));
  }
  return program;
}
