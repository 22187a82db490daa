/**
 * RUN: the command runs in a real container made from the stage's current
 * image (so `docker ps -a` shows it during the build, as with Docker), with
 * the image's ENV plus the stage's build args, its WORKDIR and USER, and the
 * SHELL for the shell form. Its output streams into the build progress as
 * it comes; when it exits 0 its changes become the step's layer (the same
 * layer writer as `docker commit`), and the container is removed.
 */
import { finished } from 'node:stream/promises';
import type { ContainerService } from '../../containers/container-service.js';
import type { AttachBroker } from '../../containers/attach-broker.js';
import type { Snapshotter } from '../../snapshots/types.js';
import { BerthError } from '../../errors.js';
import { writeLayer, type LayerWriterDeps, type WrittenLayer } from '../../images/layer-writer.js';
import { readExitFile } from '../../runtime/monitor/exit-status.js';
import { FrameDecoder } from '../../runtime/monitor/stream-frames.js';
import type { Digest } from '../../content/digest.js';
import type { Heredoc, RunCommand } from '../dockerfile/types.js';
import type { ProgressSink } from './progress.js';
import { argsForRun, shellOf, type StageState } from './stage-state.js';

export interface RunStepDeps extends LayerWriterDeps {
  containers: ContainerService;
  attach: AttachBroker;
  snapshotter: Snapshotter;
}

/** A RUN that exited non-zero: the build fails with its code, as Docker's. */
export class RunFailedError extends BerthError {
  constructor(
    readonly command: string,
    readonly exitCode: number,
  ) {
    super(`The command '${command}' returned a non-zero code: ${exitCode}`);
  }
}

/** The argv RUN executes: exec form as is; shell form (heredocs appended) through the stage's SHELL. */
export function runArgv(state: StageState, cmd: RunCommand): string[] {
  if (!cmd.cmd.shellForm) return [...cmd.cmd.args];
  const text = cmd.cmd.args.join(' ');
  const shell = shellOf(state);
  if (cmd.heredocs.length === 0) return [...shell, text];
  // `RUN <<EOF` alone: the heredoc is the script. Otherwise the shell reads the heredocs itself.
  if (cmd.heredocs.length === 1 && /^<<-?\s*["']?[A-Za-z0-9_]+["']?$/.test(text.trim())) return [...shell, cmd.heredocs[0]!.content];
  return [...shell, `${text}\n${cmd.heredocs.map(heredocText).join('')}`];
}

function heredocText(h: Heredoc): string {
  return `${h.content}${h.name}\n`;
}

/** History text: Docker's `|N K=V … /bin/sh -c cmd` (build args the RUN sees, sorted). */
export function runHistoryText(state: StageState, argv: readonly string[]): string {
  const args = argsForRun(state);
  const prefix = args.length > 0 ? `|${args.length} ${args.map(([k, v]) => `${k}=${v}`).join(' ')} ` : '';
  return prefix + argv.join(' ');
}

export interface RunStepResult {
  layer?: WrittenLayer;
}

/**
 * Runs the command; returns the layer of its changes (undefined when it
 * changed nothing). `keepOnFailure`: leave a failed step's container for
 * inspection (--rm=false).
 */
export async function runStep(
  deps: RunStepDeps,
  state: StageState,
  argv: string[],
  extraEnv: ReadonlyMap<string, string>,
  progress: ProgressSink,
  opts: { removeOnSuccess: boolean; removeOnFailure: boolean; historyText: string },
): Promise<RunStepResult> {
  if (!state.imageId) throw new BerthError('RUN needs a base image with a shell: FROM scratch has none'); // moby: no such file
  const env = [...extraEnv].map(([k, v]) => `${k}=${v}`);
  const created = await deps.containers.create({
    Image: state.imageId,
    Cmd: argv,
    Entrypoint: [''],
    Env: env,
    AttachStdout: true,
    AttachStderr: true,
    Labels: {},
  });
  const id = created.Id;
  progress.stream(` ---> Running in ${id.slice(0, 12)}\n`);
  let ok = false;
  try {
    const attached = deps.attach.waitForStart(id, { stdin: false, stdout: true, stderr: true });
    const exited = deps.containers.wait(id, 'next-exit');
    try {
      await deps.containers.start(id);
    } catch (err) {
      deps.attach.failWaiting(id, err);
      throw err;
    }
    const sock = await attached;
    const decoder = new FrameDecoder();
    sock.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) progress.stream(f.data.toString('utf8'));
    });
    // finished() also settles for a socket that already ended (a step with no output can end
    // before this code runs: the 'end' event would never be seen again).
    await finished(sock, { writable: false }).catch(() => undefined);
    // The monitor writes the exit file before it closes attach connections, so the code is
    // known now; the layer need not wait for berthd's exit path (runc delete, unmount).
    const c = deps.containers.store.get(id);
    const status = await readExitFile(deps.containers.taskPaths(c).exitFile);
    const code = status?.exitCode ?? (await exited);
    if (code !== 0) throw new RunFailedError(opts.historyText, code);
    const layer = await writeLayer(deps, await deps.snapshotter.upperDir(c.snapshotKey), state.config.rootfs.diff_ids as Digest[], { container: true });
    ok = true;
    return layer ? { layer } : {};
  } finally {
    if (ok ? opts.removeOnSuccess : opts.removeOnFailure) {
      await deps.containers.remove(id, { force: true, volumes: true }).catch(() => undefined);
      progress.stream(`Removing intermediate container ${id.slice(0, 12)}\n`);
    }
  }
}
