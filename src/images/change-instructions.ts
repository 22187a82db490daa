/**
 * `--change` for commit and import: the Dockerfile instructions that only
 * touch an image's config (moby's BuildFromConfig with its
 * validCommitCommands): CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME,
 * WORKDIR, STOPSIGNAL, HEALTHCHECK, ONBUILD.
 *
 * Each change is one instruction line, parsed by the Dockerfile parser and
 * applied in order to a copy of the config by config-instructions.ts (the
 * code the builder's metadata steps use), with $VAR expansion from the
 * config's Env. Errors are InvalidArgumentError naming the instruction.
 */
import { InvalidArgumentError } from '../errors.js';
import { DockerfileError } from '../build/dockerfile/dockerfile-error.js';
import { parseCommandText } from '../build/dockerfile/parser.js';
import { envFromList } from '../build/dockerfile/shell-lex.js';
import { applyConfigInstruction, isConfigCommand } from './config-instructions.js';
import type { ContainerConfigFields } from './oci-types.js';

/** moby's validCommitCommands. */
const ALLOWED = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL', 'HEALTHCHECK', 'ONBUILD']);

/** Applies the changes in order to a copy of config; the input is not modified. */
export function applyChanges(config: ContainerConfigFields, changes: readonly string[]): ContainerConfigFields {
  const edit = { config: JSON.parse(JSON.stringify(config)) as ContainerConfigFields, cmdSet: false };
  joinContinuations(changes).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const keyword = /^\S+/.exec(line)![0];
    if (!ALLOWED.has(keyword.toUpperCase())) throw new InvalidArgumentError(`${keyword.toLowerCase()} is not a valid change command`);
    try {
      const c = parseCommandText(line, { file: '--change', startLine: i + 1, endLine: i + 1 });
      if (!isConfigCommand(c)) throw new InvalidArgumentError(`${keyword.toLowerCase()} is not a valid change command`);
      applyConfigInstruction(edit, c, envFromList(edit.config.Env ?? []));
    } catch (err) {
      // A change is one line: its error needs no "file:line" location.
      if (err instanceof DockerfileError) throw new InvalidArgumentError(err.detail, { cause: err });
      throw err;
    }
  });
  return edit.config;
}

/** A change ending in a backslash continues on the next one, as Dockerfile lines do. */
function joinContinuations(changes: readonly string[]): string[] {
  const out: string[] = [];
  let pending = '';
  for (const c of changes.flatMap((s) => s.split('\n'))) {
    if (/\\\s*$/.test(c)) {
      pending += c.replace(/\\\s*$/, '');
      continue;
    }
    out.push(pending + c);
    pending = '';
  }
  if (pending) out.push(pending);
  return out;
}

export { exposedPorts } from './config-instructions.js';
