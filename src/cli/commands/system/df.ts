/**
 * `berth system df`: how much disk images, containers, local volumes and
 * the build cache take, and how much of it a prune would give back; per
 * item with -v, or through a --format template.
 */
import type { BerthCli } from '../../cli-context.js';
import { DiskUsageTemplateError, renderDiskUsage } from '../../formatter/disk-usage.js';
import { BerthCommand, noArgs } from '../command.js';

export interface DiskUsageOptions {
  verbose: boolean;
  format: string;
}

export function newDiskUsageCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('df')
    .use('df [OPTIONS]')
    .description('Show berth disk usage')
    .option('--format <string>', 'Format output using a custom template')
    .option('-v, --verbose', 'Show detailed information on space usage')
    .run<{ format?: string; verbose?: boolean }>(noArgs, (_args, f) =>
      runDiskUsage(cli, { verbose: f.verbose === true, format: f.format ?? '' }),
    );
}

export async function runDiskUsage(cli: BerthCli, o: DiskUsageOptions): Promise<void> {
  const du = await cli.client.system.df();
  try {
    cli.out.write(renderDiskUsage(du, { format: o.format, verbose: o.verbose }));
  } catch (err) {
    // docker's verbose template writes straight to stdout: what ran before the failure is printed.
    if (err instanceof DiskUsageTemplateError) cli.out.write(err.partial);
    throw err;
  }
}
