/**
 * `berth update` / `berth container update`: change the restart policy and
 * resource limits of one or more containers, live on running ones (docker/cli
 * container/update.go). Prints each container as named on success, then the
 * daemon's warnings; failures are gathered and exit 1.
 */
import { Option } from 'commander';
import type { BerthCli } from '../../cli-context.js';
import { MultiError } from '../../cli-errors.js';
import type { ContainerUpdateConfig } from '../../client/types.js';
import { BerthCommand, minArgs } from '../command.js';
import { bytesOption, cpusOption, intOption, invalidValue } from '../flags.js';
import { parseRestartPolicy } from './create-body.js';

export interface UpdateFlags {
  blkioWeight?: number;
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  cpus?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  memory?: number;
  memoryReservation?: number;
  memorySwap?: number;
  pidsLimit?: number;
  restart?: string;
}

export interface UpdateOptions {
  containers: string[];
  flags: UpdateFlags;
}

/** pflag's uint16 (--blkio-weight). */
function uint16Option(flags: string, description: string): Option {
  const option = new Option(flags, description);
  option.argParser((v: string) => {
    if (!/^\+?\d+$/.test(v)) throw invalidValue(option, v, `strconv.ParseUint: parsing "${v}": invalid syntax`);
    const n = Number(v);
    if (n > 0xffff) throw invalidValue(option, v, `strconv.ParseUint: parsing "${v}": value out of range`);
    return n;
  });
  return option;
}

export function newUpdateCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('update')
    .use('update [OPTIONS] CONTAINER [CONTAINER...]')
    .description('Update configuration of one or more containers')
    .addOption(uint16Option('--blkio-weight <uint16>', 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)'))
    .addOption(intOption('--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period'))
    .addOption(intOption('--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota'))
    .addOption(intOption('-c, --cpu-shares <int>', 'CPU shares (relative weight)'))
    .addOption(cpusOption('--cpus <decimal>', 'Number of CPUs'))
    .option('--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)')
    .option('--cpuset-mems <string>', 'MEMs in which to allow execution (0-3, 0,1)')
    .addOption(bytesOption('-m, --memory <bytes>', 'Memory limit'))
    .addOption(bytesOption('--memory-reservation <bytes>', 'Memory soft limit'))
    .addOption(bytesOption('--memory-swap <bytes>', "Swap limit equal to memory plus swap: -1 to enable unlimited swap", true))
    .addOption(intOption('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)'))
    .option('--restart <string>', 'Restart policy to apply when a container exits')
    .run<UpdateFlags>(minArgs(1), (containers, flags) => runUpdate(cli, { containers, flags }));
}

/** The request body, as docker's: unset flags are zero (unchanged); --pids-limit 0 is not sent. */
export function updateConfig(f: UpdateFlags): ContainerUpdateConfig {
  const config: ContainerUpdateConfig = {
    BlkioWeight: f.blkioWeight ?? 0,
    CpusetCpus: f.cpusetCpus ?? '',
    CpusetMems: f.cpusetMems ?? '',
    CpuShares: f.cpuShares ?? 0,
    Memory: f.memory ?? 0,
    MemoryReservation: f.memoryReservation ?? 0,
    MemorySwap: f.memorySwap ?? 0,
    CpuPeriod: f.cpuPeriod ?? 0,
    CpuQuota: f.cpuQuota ?? 0,
    NanoCpus: f.cpus ?? 0,
    RestartPolicy: { Name: '', MaximumRetryCount: 0 },
  };
  if (f.pidsLimit !== undefined && f.pidsLimit !== 0) config.PidsLimit = f.pidsLimit;
  if (f.restart !== undefined && f.restart !== '') {
    const policy = parseRestartPolicy(f.restart);
    if (policy) config.RestartPolicy = policy;
  }
  return config;
}

export async function runUpdate(cli: BerthCli, opts: UpdateOptions): Promise<void> {
  if (Object.values(opts.flags).every((v) => v === undefined)) {
    throw new Error('you must provide one or more flags when using this command');
  }
  const config = updateConfig(opts.flags);
  // docker updates one after another, printing each name as it was given.
  const warnings: string[] = [];
  const errors: unknown[] = [];
  for (const ref of opts.containers) {
    try {
      const r = await cli.client.containers.update(ref, config);
      cli.println(ref);
      warnings.push(...(r.Warnings ?? []));
    } catch (err) {
      errors.push(err);
    }
  }
  if (warnings.length > 0) cli.println(warnings.join('\n'));
  if (errors.length > 0) throw new MultiError(errors);
}
