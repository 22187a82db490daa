/**
 * Restart policies: what `--restart` means, checked at create and update with
 * Docker's messages (api/types/container ValidateRestartPolicy), and the two
 * decisions made from it: after an exit, and when berthd starts.
 *
 *   no              never restarted
 *   always          restarted after every exit, and when berthd starts
 *                   (even after a `stop`: only the stop's own exit is spared)
 *   unless-stopped  as always, but a container the user stopped stays stopped,
 *                   berthd restarts included
 *   on-failure[:N]  restarted after a non-zero exit, at most N times (0: no limit)
 *
 * A pending restart is cancelled by stop, kill and rm (see RestartManager).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { RestartPolicyWire } from '../../api/types/container-wire.js';

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

/** A validated policy, as stored in HostConfig.RestartPolicy. */
export interface RestartPolicy {
  Name: RestartPolicyName;
  MaximumRetryCount: number;
}

export const NO_RESTART: RestartPolicy = { Name: 'no', MaximumRetryCount: 0 };

/**
 * Checks a policy from the API and returns it as stored: an empty or missing
 * name means "no" (Docker 25+ stores "no"; older clients send "").
 */
export function validateRestartPolicy(p: RestartPolicyWire | null | undefined): RestartPolicy {
  const name = p?.Name ?? '';
  const retries = p?.MaximumRetryCount ?? 0;
  if (typeof name !== 'string') throw new InvalidArgumentError('invalid restart policy: name must be a string');
  if (typeof retries !== 'number' || !Number.isInteger(retries)) {
    throw new InvalidArgumentError('invalid restart policy: maximum retry count must be an integer');
  }
  switch (name) {
    case 'always':
    case 'unless-stopped':
    case 'no':
      if (retries !== 0) {
        const negative = retries < 0 ? ' and cannot be negative' : '';
        throw new InvalidArgumentError(`invalid restart policy: maximum retry count can only be used with 'on-failure'${negative}`);
      }
      return { Name: name, MaximumRetryCount: 0 };
    case 'on-failure':
      if (retries < 0) throw new InvalidArgumentError('invalid restart policy: maximum retry count cannot be negative');
      return { Name: name, MaximumRetryCount: retries };
    case '':
      // Docker accepts an empty name with any count, for clients older than v25.
      return { ...NO_RESTART };
    default:
      throw new InvalidArgumentError(
        `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
      );
  }
}

/** Docker refuses a restart policy on a container that removes itself on exit. */
export function checkAutoRemove(autoRemove: boolean | undefined, policy: RestartPolicyWire | null | undefined): void {
  if (autoRemove && policy?.Name && policy.Name !== 'no') throw new InvalidArgumentError("can't create 'AutoRemove' container with restart policy");
}

/** A policy read back from a record (records always hold a validated one; older ones may lack it). */
export function policyOf(p: RestartPolicyWire | null | undefined): RestartPolicy {
  try {
    return validateRestartPolicy(p);
  } catch {
    return { ...NO_RESTART };
  }
}

export interface ExitFacts {
  exitCode: number;
  /** Stopped or killed by the user (the record's hasBeenManuallyStopped). */
  manuallyStopped: boolean;
  /** Restarts so far (the record's restartCount), for on-failure's limit. */
  restartCount: number;
}

/** moby's RestartManager.ShouldRestart decision, without the timing. */
export function restartsAfterExit(policy: RestartPolicy, f: ExitFacts): boolean {
  switch (policy.Name) {
    case 'always':
      return true;
    case 'unless-stopped':
      return !f.manuallyStopped;
    case 'on-failure': {
      const max = policy.MaximumRetryCount;
      return f.exitCode !== 0 && (max === 0 || f.restartCount < max);
    }
    default:
      return false;
  }
}

/**
 * Whether a stopped container is started when berthd starts. As Docker's
 * documentation says (and unlike moby's code, moby#47846): always, and
 * unless-stopped when the user did not stop it; on-failure containers are
 * not, since a host reboot or a daemon restart is no failure of theirs.
 */
export function restartsOnDaemonStart(policy: RestartPolicy, manuallyStopped: boolean): boolean {
  return policy.Name === 'always' || (policy.Name === 'unless-stopped' && !manuallyStopped);
}
