/**
 * One health check of a running container, as moby's cmdProbe runs it: the
 * command inside the container with its env, user and working directory
 * (the container's own process spec, so no exec flag applies), stdout and
 * stderr together, killed at the timeout; exec_create, exec_start and
 * exec_die events as for any exec.
 *
 * It runs through the container's own monitor (runtime/monitor/probe.c)
 * rather than as an exec session: no monitor launch, no files, one write and
 * one read on a connection kept for the run, which is what keeps fifty
 * containers checked every second cheap (bench/health.sh). The plan (exec-plan.ts) is built once per
 * container run, since the command, the spec and the init's pid do not
 * change while it runs.
 *
 * Results, with moby's words:
 *   the command exited       its exit code; its output (4096 bytes, "..." when cut)
 *   it ran past the timeout  -1, "Health check exceeded timeout (30s)[: output]"
 *   it could not start       -1, "OCI runtime exec failed: exec failed: …: unknown"
 *   no answer at all         -1, the error (a wedged start, a monitor gone)
 */
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { NotFoundError } from '../../errors.js';
import { hostCgroupLayout } from '../../host/cgroups.js';
import { encodeExecPlan } from '../../runtime/exec-plan.js';
import { ProbeChannel, ProbeStartTimeout } from '../../runtime/monitor/probe-client.js';
import { buildExecProcess } from '../../runtime/spec/process-spec.js';
import type { OciSpec } from '../../runtime/spec/types.js';
import { readJsonIfExists } from '../../storage/atomic-write.js';
import { nowRfc3339Nano } from '../clock.js';
import type { ContainerRecord } from '../container.js';
import { formatGoDuration } from '../../units/duration.js';
import type { HealthPlan } from './health-config.js';
import type { HealthResult } from './health-state.js';

/** One container run's checks: the connection to its monitor and what it runs. Close it when the run ends. */
export interface ProbeTarget {
  id: string;
  channel: ProbeChannel;
  /** The PROBE request: the encoded plan (exec-plan.ts) of the check command, and its timeout. */
  request: Buffer;
}

/** Builds a run's probe target from its bundle's spec (written at start, there while it runs). */
export async function probeTarget(c: ContainerRecord, bundleDir: string, attachSocket: string, plan: HealthPlan): Promise<ProbeTarget> {
  const spec = await readJsonIfExists<OciSpec>(path.join(bundleDir, 'config.json'));
  if (!spec) throw new NotFoundError(`container ${c.id} has no bundle: it is not running`);
  const proc = buildExecProcess(spec, { args: plan.argv, env: [], tty: false, privileged: false });
  const encoded = encodeExecPlan({ pid: c.state.pid, spec }, proc, {}, hostCgroupLayout());
  return { id: c.id, channel: new ProbeChannel(attachSocket), request: ProbeChannel.request(encoded, plan.timeoutMs) };
}

/** The `exec_*: cmd args` text of moby's exec events. */
function execLine(argv: readonly string[]): string {
  return `${argv[0] ?? ''} ${argv.slice(1).join(' ')}`;
}

/** Runs one check; resolves with its result. Rejects only when aborted (the container stopped). */
export async function runCheck(target: ProbeTarget, plan: HealthPlan, events: EventEmitter, signal: AbortSignal): Promise<HealthResult> {
  const start = nowRfc3339Nano();
  const execId = randomBytes(32).toString('hex');
  const cmd = execLine(plan.argv);
  events.emit('event', { type: 'container', action: `exec_create: ${cmd}`, id: target.id, execId });
  events.emit('event', { type: 'container', action: `exec_start: ${cmd}`, id: target.id, execId });
  let answer;
  try {
    answer = await target.channel.run(target.request, { timeoutMs: plan.timeoutMs, signal });
  } catch (err) {
    if (signal.aborted) throw err;
    const message = err instanceof ProbeStartTimeout ? `timed out starting health check for container ${target.id}` : (err as Error).message;
    return { Start: start, End: nowRfc3339Nano(), ExitCode: -1, Output: message };
  }
  if (answer.kind === 'failed') {
    return { Start: start, End: nowRfc3339Nano(), ExitCode: -1, Output: `OCI runtime exec failed: ${answer.message}: unknown` };
  }
  events.emit('event', { type: 'container', action: 'exec_die', id: target.id, exitCode: answer.exitCode, execId });
  const output = probeOutput(answer.output, answer.truncated);
  if (answer.timedOut) {
    const what = `Health check exceeded timeout (${formatGoDuration(plan.timeoutNs)})`;
    return { Start: start, End: nowRfc3339Nano(), ExitCode: -1, Output: output === '' ? what : `${what}: ${output}` };
  }
  return { Start: start, End: nowRfc3339Nano(), ExitCode: answer.exitCode, Output: output };
}

/** moby's limitedBuffer.String(): the kept bytes, "..." when more were dropped. */
export function probeOutput(kept: Buffer, truncated: boolean): string {
  const text = kept.toString('utf8');
  return truncated ? `${text}...` : text;
}
