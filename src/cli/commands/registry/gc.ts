/**
 * `berth registry gc`: remove blobs no manifest references, from a registry
 * root; safe while `berth registry serve` runs on it (see
 * src/registry/storage/garbage-collector.ts for how).
 *
 *   --root DIR      storage root (default /var/lib/berth/registry)
 *   --dry-run       list what would be removed, remove nothing
 *   --grace D       keep unreferenced blobs younger than this (Go duration, default 1h):
 *                   a push in progress has uploaded layers its manifest does not yet reference
 */
import { InvalidArgumentError } from '../../../errors.js';
import { collectGarbage } from '../../../registry/storage/garbage-collector.js';
import { bytesSize } from '../../../units/bytes.js';
import { parseGoDuration } from '../../../units/duration.js';
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, noArgs } from '../command.js';
import { DEFAULT_REGISTRY_ROOT } from './serve.js';

interface Flags {
  root: string;
  dryRun?: boolean;
  grace: string;
}

export function newRegistryGcCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('gc')
    .use('gc [OPTIONS]')
    .description('Remove blobs that no manifest references')
    .option('--root <dir>', 'Storage root directory', DEFAULT_REGISTRY_ROOT)
    .option('--dry-run', 'Only list what would be removed')
    .option('--grace <duration>', 'Keep unreferenced blobs younger than this', '1h')
    .run<Flags>(noArgs, (_args, f) => runRegistryGc(cli, f));
}

export async function runRegistryGc(cli: BerthCli, f: Flags): Promise<void> {
  const graceMs = parseGoDuration(f.grace);
  if (!(graceMs >= 0)) throw new InvalidArgumentError(`invalid --grace: ${f.grace}`);
  const dryRun = f.dryRun === true;
  const report = await collectGarbage(f.root, { dryRun, graceMs, log: (line) => cli.println(line) });
  const verb = dryRun ? 'eligible for deletion' : 'deleted';
  cli.println(
    `${report.marked} blobs marked, ${report.deleted.length} blobs ${verb} (${bytesSize(report.bytesFreed)}), ` +
      `${report.keptFresh} unreferenced blobs kept (younger than the grace period), ${report.linksRemoved} links removed`,
  );
}
