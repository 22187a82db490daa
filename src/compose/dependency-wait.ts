/**
 * Waiting on a dependency's `depends_on` condition before a service starts
 * (compose's waitDependencies), and on a service's own readiness for
 * `up --wait`:
 *
 *   service_started                   its containers were started (nothing to wait for)
 *   service_healthy                   each container's State.Health.Status is "healthy";
 *                                     "unhealthy", an exit, or the deadline is a clear error
 *   service_completed_successfully    each container exited with status 0
 *
 * Health is read by polling GET /containers/{id}/json: berthd runs the
 * healthchecks and reports them there, as dockerd does.
 */
import type { EngineClient } from '../cli/client.js';
import { FailedPreconditionError, UnavailableError } from '../errors.js';
import { parseGoDurationNanos } from '../units/duration.js';
import type { ProjectContainer } from './project-containers.js';
import type { DependsOnCondition, ServiceConfig } from './types.js';

const POLL_MS = 200;
/** How long a configured healthcheck may go without any status before that is an error. */
const HEALTH_REPORT_MS = 5_000;

interface HealthState {
  Status?: string;
  Log?: Array<{ Output?: string; ExitCode?: number }> | null;
}

/**
 * How long to wait for a service to turn healthy when the user gave no
 * timeout: its start period plus a few rounds of checks, and a margin.
 */
export function healthDeadlineMs(s: ServiceConfig): number {
  const ms = (d: string | undefined, dflt: number): number => (d === undefined ? dflt : parseGoDurationNanos(d) / 1e6);
  const h = s.healthcheck ?? {};
  const round = ms(h.interval, 30_000) + ms(h.timeout, 30_000);
  return ms(h.start_period, 0) + round * ((h.retries ?? 3) + 2) + 30_000;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once the container reports healthy; throws on unhealthy, exit, or the deadline. */
/** `context` starts the error messages ("dependency failed to start: " when a dependent waits). */
export async function waitHealthy(client: EngineClient, c: ProjectContainer, deadlineMs: number, context = 'dependency failed to start: '): Promise<void> {
  const until = Date.now() + deadlineMs;
  const reportBy = Date.now() + HEALTH_REPORT_MS;
  for (;;) {
    const inspect = await client.containers.inspect(c.id);
    const health = inspect.State['Health'] as HealthState | undefined;
    if (health === undefined || health === null) {
      const test = inspect.Config.Healthcheck?.Test;
      if (test === undefined || test.length === 0 || test[0] === 'NONE') {
        throw new FailedPreconditionError(`container ${c.name} has no healthcheck configured`);
      }
      // Configured but not reported: give the engine a moment to publish a first status.
      if (Date.now() > reportBy) throw new FailedPreconditionError(`container ${c.name} has a healthcheck but the engine reports no health status for it`);
      await sleep(POLL_MS);
      continue;
    }
    if (health.Status === 'healthy') return;
    if (health.Status === 'unhealthy') {
      const last = health.Log?.[health.Log.length - 1]?.Output?.trim();
      throw new FailedPreconditionError(`${context}container ${c.name} is unhealthy${last ? ` (${last})` : ''}`);
    }
    if (!inspect.State.Running) {
      throw new FailedPreconditionError(`${context}container ${c.name} exited (${inspect.State.ExitCode}) before it was healthy`);
    }
    if (Date.now() > until) {
      throw new UnavailableError(`${context}container ${c.name} was not healthy within ${Math.round(deadlineMs / 1000)}s`);
    }
    await sleep(POLL_MS);
  }
}

/** Resolves once the container has exited with 0; throws with its status otherwise. */
export async function waitCompleted(client: EngineClient, c: ProjectContainer): Promise<void> {
  const { StatusCode } = await client.containers.wait(c.id, 'not-running').result;
  if (StatusCode !== 0) {
    throw new FailedPreconditionError(`service ${JSON.stringify(c.service)} didn't complete successfully: exit ${StatusCode}`);
  }
}

/** Resolves once every container of `dependency` meets `condition`. */
export async function waitForCondition(
  client: EngineClient,
  dependency: ServiceConfig,
  containers: readonly ProjectContainer[],
  condition: DependsOnCondition,
  timeoutMs?: number,
): Promise<void> {
  if (condition === 'service_started') return;
  const deadline = timeoutMs ?? healthDeadlineMs(dependency);
  await Promise.all(
    containers.map((c) => (condition === 'service_healthy' ? waitHealthy(client, c, deadline) : waitCompleted(client, c))),
  );
}

/** `up --wait`: running, and healthy when the service has a healthcheck. */
export async function waitReady(client: EngineClient, s: ServiceConfig, containers: readonly ProjectContainer[], timeoutMs?: number): Promise<void> {
  const deadline = timeoutMs ?? healthDeadlineMs(s);
  const hasCheck = s.healthcheck !== undefined && s.healthcheck.disable !== true;
  await Promise.all(
    containers.map(async (c) => {
      const inspect = await client.containers.inspect(c.id);
      const imageCheck = inspect.Config.Healthcheck?.Test;
      if (hasCheck || (imageCheck !== undefined && imageCheck.length > 0 && imageCheck[0] !== 'NONE')) {
        await waitHealthy(client, c, deadline, '');
        return;
      }
      // No healthcheck: running is ready; a one-shot container that exited 0 is done.
      if (!inspect.State.Running && inspect.State.ExitCode !== 0) {
        throw new FailedPreconditionError(`container ${c.name} exited (${inspect.State.ExitCode})`);
      }
    }),
  );
}
