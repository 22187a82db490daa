/**
 * `berth info`: system-wide information from the daemon (docker's layout for
 * the fields Berth reports), or a --format template over the /info document.
 */
import { bytesSize } from '../../../units/bytes.js';
import type { BerthCli } from '../../cli-context.js';
import type { InfoResponse } from '../../client.js';
import { compileTemplate } from '../../formatter/go-template.js';
import { BerthCommand, noArgs } from '../command.js';
import { cliVersion } from './version.js';

export interface InfoOptions {
  format?: string;
}

export function newInfoCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('info')
    .use('info [OPTIONS]')
    .description('Display system-wide information')
    .option('-f, --format <string>', 'Format output using a custom template')
    .run<{ format?: string }>(noArgs, (_args, f) => runInfo(cli, { format: f.format }));
}

/** The text `berth info` prints for an /info document. */
export function formatInfo(info: InfoResponse, clientVersion: string): string {
  const v = (k: string): string => (info[k] === undefined || info[k] === null ? '' : String(info[k]));
  const lines = [
    'Client:',
    ` Version:    ${clientVersion}`,
    '',
    'Server:',
    ` Containers: ${v('Containers')}`,
    `  Running: ${v('ContainersRunning')}`,
    `  Paused: ${v('ContainersPaused')}`,
    `  Stopped: ${v('ContainersStopped')}`,
    ` Images: ${v('Images')}`,
    ` Server Version: ${v('ServerVersion')}`,
    ` Storage Driver: ${v('Driver')}`,
    ` Logging Driver: ${v('LoggingDriver')}`,
    ` Cgroup Driver: ${v('CgroupDriver')}`,
    ` Cgroup Version: ${v('CgroupVersion')}`,
    ` Kernel Version: ${v('KernelVersion')}`,
    ` Operating System: ${v('OperatingSystem')}`,
    ` OSType: ${v('OSType')}`,
    ` Architecture: ${v('Architecture')}`,
    ` CPUs: ${v('NCPU')}`,
    ` Total Memory: ${typeof info['MemTotal'] === 'number' ? bytesSize(info['MemTotal']) : ''}`,
    ` Name: ${v('Name')}`,
    ` ID: ${v('ID')}`,
    ` Docker Root Dir: ${v('DockerRootDir')}`,
    ` Debug Mode: ${v('Debug') || 'false'}`,
  ];
  return `${lines.join('\n')}\n`;
}

export async function runInfo(cli: BerthCli, o: InfoOptions): Promise<void> {
  const info = await cli.client.system.info();
  if (o.format !== undefined && o.format !== '') {
    cli.println(compileTemplate(o.format)(info));
    return;
  }
  cli.out.write(formatInfo(info, cliVersion()));
}
