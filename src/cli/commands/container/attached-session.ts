/**
 * The attached half of `run`, `start -a` and `attach`: open the hijacked
 * stream with the right local stdio, then — once the container runs — keep
 * the tty size in sync, stream until output ends or the user detaches, and
 * turn the container's exit into the CLI's exit.
 *
 * Lifecycle: openAttached() (before start, so no output is lost) →
 * the caller registers its wait and starts the container → finishAttached().
 */
import type { BerthCli } from '../../cli-context.js';
import { StatusError } from '../../cli-errors.js';
import type { WaitHandle } from '../../client/containers.js';
import { parseDetachKeys } from '../../stream/escape-proxy.js';
import { streamHijacked, type HijackSession } from '../../stream/hijack.js';
import { monitorTtySize } from '../../stream/tty.js';

export interface AttachPlan {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** docker's --detach-keys text; also sent to the daemon. */
  detachKeys?: string;
}

/** Attaches to the container and starts streaming local stdio through it. */
export async function openAttached(cli: BerthCli, id: string, plan: AttachPlan): Promise<HijackSession> {
  const detachKeys = plan.detachKeys !== undefined ? parseDetachKeys(plan.detachKeys) : undefined;
  const connection = await cli.client.containers.attach(id, {
    stdin: plan.stdin,
    stdout: plan.stdout,
    stderr: plan.stderr,
    detachKeys: plan.detachKeys,
  });
  return streamHijacked({
    connection,
    tty: plan.tty,
    stdin: plan.stdin ? cli.in : undefined,
    stdout: plan.stdout ? cli.out : undefined,
    // With a tty the container has one output stream; docker sends it to stdout.
    stderr: plan.stderr ? (plan.tty ? cli.out : cli.err) : undefined,
    detachKeys,
  });
}

/** The exit status a wait produced: the container's code, or 125 when waiting failed. */
export async function waitStatus(cli: BerthCli, wait: WaitHandle): Promise<number> {
  try {
    const r = await wait.result;
    if (r.Error?.Message) {
      cli.eprintln(`Error waiting for container: ${r.Error.Message}`);
      return 125;
    }
    return r.StatusCode;
  } catch (err) {
    cli.eprintln(`error waiting for container: ${(err as Error).message}`);
    return 125;
  }
}

/**
 * Streams until the session ends, then exits with the container's status
 * (StatusError when non-zero). Detaching with the escape keys returns quietly.
 * `resize` is the container's or exec's resize call.
 */
export async function finishAttached(
  cli: BerthCli,
  session: HijackSession,
  wait: WaitHandle,
  plan: AttachPlan,
  resize: (height: number, width: number) => Promise<void>,
): Promise<void> {
  let stopResize = (): void => undefined;
  if (plan.tty && cli.out.isTTY === true) {
    stopResize = monitorTtySize(process.stdout, resize, (err) =>
      cli.eprintln(`Error monitoring TTY size: ${(err as Error).message}`),
    );
  }
  try {
    const hasOutput = plan.stdout || plan.stderr;
    // Without output to drain, the container's exit alone ends the session.
    const outcome = hasOutput ? await session.done : await Promise.race([session.done, wait.result.then(() => 'ended' as const)]);
    if (outcome === 'detached') return;
    const status = await waitStatus(cli, wait);
    if (status !== 0) throw new StatusError(status);
  } finally {
    stopResize();
    session.close();
  }
}
