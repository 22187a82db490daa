/**
 * One health probe: the check runs as an exec in the container (so it has
 * the container's namespaces, cgroup, env, user and working directory, and
 * shows as exec_create/exec_start/exec_die events, as in Docker), its
 * stdout+stderr are read through the exec's attach stream (kept up to
 * MAX_OUTPUT_LEN, the rest read and dropped so a flood never blocks the
 * check), and a check still running at the timeout is killed.
 *
 * Results as moby records them: the exit code and output; a check that
 * could not start → exit code -1 with the error; a check killed at the
 * timeout → -1 and "Health check exceeded timeout (30s)".
 */
import type { Socket } from 'node:net';
import { FrameDecoder } from '../../runtime/monitor/stream-frames.js';
import { nowRfc3339Nano } from '../clock.js';
import type { ContainerRecord } from '../container.js';
import type { ExecService } from '../exec-service.js';
import { goDuration, type HealthPlan } from './health-config.js';
import { LimitedOutput, type HealthResult } from './health-state.js';

/** After the check's exit, how long its last output may take to arrive. */
const OUTPUT_GRACE_MS = 1000;

export async function runProbe(exec: ExecService, c: ContainerRecord, plan: HealthPlan, signal?: AbortSignal): Promise<HealthResult> {
  const start = nowRfc3339Nano();
  const failed = (err: unknown): HealthResult => ({ Start: start, End: nowRfc3339Nano(), ExitCode: -1, Output: err instanceof Error ? err.message : String(err) });
  let execId: string;
  try {
    execId = exec.create(c.id, {
      Cmd: plan.argv,
      AttachStdout: true,
      AttachStderr: true,
      ...(c.config.User ? { User: c.config.User } : {}),
      ...(c.config.WorkingDir ? { WorkingDir: c.config.WorkingDir } : {}),
    });
  } catch (err) {
    return failed(err);
  }
  let sock: Socket | undefined;
  try {
    sock = await exec.start(execId, { detach: false });
    const session = exec.get(execId);
    const output = new LimitedOutput();
    const decoder = new FrameDecoder();
    const drained = new Promise<void>((resolve) => {
      if (!sock) return resolve();
      sock.on('data', (chunk: Buffer) => {
        for (const frame of decoder.push(chunk)) output.push(frame.data);
      });
      sock.once('close', () => resolve());
      sock.once('error', () => resolve());
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), plan.timeoutMs)));
    const aborted = new Promise<'aborted'>((resolve) => signal?.addEventListener('abort', () => resolve('aborted'), { once: true }));
    const outcome = await Promise.race([session.exited, timedOut, aborted]);
    clearTimeout(timer);
    if (typeof outcome !== 'number') {
      if (session.pid > 0) {
        try {
          process.kill(session.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      return { Start: start, End: nowRfc3339Nano(), ExitCode: -1, Output: outcome === 'timeout' ? `Health check exceeded timeout (${goDuration(plan.timeoutMs)})` : 'health check cancelled' };
    }
    await Promise.race([drained, new Promise((r) => setTimeout(r, OUTPUT_GRACE_MS))]);
    return { Start: start, End: nowRfc3339Nano(), ExitCode: outcome, Output: output.toString() };
  } catch (err) {
    return failed(err);
  } finally {
    sock?.destroy();
    exec.discard(execId);
  }
}
