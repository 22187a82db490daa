/**
 * Instructions that only change the image config, as build steps: the
 * config part is images/config-instructions.ts (shared with `--change`);
 * here is what only a build has — ARG scoping and the stage's CMD memory.
 * Returns the history text after "#(nop) ", also the step's cache key text.
 */
import { applyConfigInstruction, isConfigCommand, type ConfigCommand } from '../../images/config-instructions.js';
import type { ArgCommand, Command } from '../dockerfile/types.js';
import type { BuildArgs } from './build-args.js';
import { expandWord } from '../dockerfile/shell-lex.js';
import { expansionEnv, runConfig, type StageState } from './stage-state.js';

export type MetadataCommand = Exclude<ConfigCommand, { kind: 'WORKDIR' }> | ArgCommand;

export function isMetadataCommand(c: Command): c is MetadataCommand {
  return c.kind === 'ARG' || (isConfigCommand(c) && c.kind !== 'WORKDIR');
}

/** Applies a metadata instruction to the stage; returns the history comment. */
export function applyMetadata(state: StageState, c: MetadataCommand, args: BuildArgs, escape = '\\'): string {
  const env = expansionEnv(state);
  if (c.kind === 'ARG') {
    const parts: string[] = [];
    for (const a of c.args) {
      const dflt = a.value === undefined ? undefined : expandWord(a.value, env, escape);
      state.args.set(a.key, args.resolve(a.key, dflt, true));
      parts.push(dflt === undefined ? a.key : `${a.key}=${dflt}`);
    }
    return `ARG ${parts.join(' ')}`;
  }
  const edit = { config: runConfig(state), cmdSet: state.cmdSet } as { config: ReturnType<typeof runConfig>; cmdSet: boolean; author?: string };
  const comment = applyConfigInstruction(edit, c, env, escape);
  state.cmdSet = edit.cmdSet;
  if (edit.author !== undefined) state.config.author = edit.author;
  return comment;
}
