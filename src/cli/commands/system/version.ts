/**
 * `berth version`: client and daemon versions (docker's layout), or a
 * --format template over {Client, Server}.
 */
import type { BerthCli } from '../../cli-context.js';
import { cliVersion } from '../../cli-version.js';
import { MAX_API_VERSION, type VersionResponse } from '../../client.js';
import { compileTemplate } from '../../formatter/go-template.js';
import { BerthCommand, noArgs } from '../command.js';

export interface VersionOptions {
  format?: string;
}

/** The CLI's version (package.json's); kept in cli-version.ts so the root command need not load this one. */
export { cliVersion };

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };

export interface ClientVersion {
  Version: string;
  APIVersion: string;
  DefaultAPIVersion: string;
  NodeVersion: string;
  Os: string;
  Arch: string;
}

export function newVersionCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('version')
    .use('version [OPTIONS]')
    .description('Show the Berth version information')
    .option('-f, --format <string>', 'Format output using a custom template')
    .run<{ format?: string }>(noArgs, (_args, f) => runVersion(cli, { format: f.format }));
}

const row = (indent: string, label: string, value: string | undefined): string =>
  `${indent}${`${label}:`.padEnd(19 - indent.length)}${value ?? ''}`;

export async function runVersion(cli: BerthCli, o: VersionOptions): Promise<void> {
  const client: ClientVersion = {
    Version: cliVersion(),
    APIVersion: MAX_API_VERSION,
    DefaultAPIVersion: MAX_API_VERSION,
    NodeVersion: process.version,
    Os: process.platform,
    Arch: GO_ARCH[process.arch] ?? process.arch,
  };
  let server: VersionResponse | undefined;
  let failure: unknown;
  try {
    server = await cli.client.system.version();
    client.APIVersion = await cli.client.apiVersion();
  } catch (err) {
    failure = err;
  }
  if (o.format !== undefined && o.format !== '') {
    cli.println(compileTemplate(o.format)({ Client: client, Server: server ?? null }));
  } else {
    const lines = [
      'Client:',
      row(' ', 'Version', client.Version),
      row(' ', 'API version', client.APIVersion),
      row(' ', 'Node version', client.NodeVersion),
      row(' ', 'OS/Arch', `${client.Os}/${client.Arch}`),
    ];
    if (server !== undefined) {
      lines.push(
        '',
        `Server: ${server.Platform?.Name ?? 'Berth Engine'}`,
        ' Engine:',
        row('  ', 'Version', server.Version),
        row('  ', 'API version', `${server.ApiVersion}${server.MinAPIVersion ? ` (minimum version ${server.MinAPIVersion})` : ''}`),
        row('  ', 'Go version', server.GoVersion),
        row('  ', 'Git commit', server.GitCommit),
        row('  ', 'Built', server.BuildTime),
        row('  ', 'OS/Arch', `${server.Os}/${server.Arch}`),
        row('  ', 'Experimental', String(server['Experimental'] ?? false)),
      );
    }
    cli.println(lines.join('\n'));
  }
  if (failure !== undefined) throw failure;
}
