/**
 * `berth registry serve`: run Berth's OCI distribution registry in the
 * foreground until SIGINT/SIGTERM.
 *
 *   --addr HOST:PORT         where to listen (default 127.0.0.1:5000; port 0 = any free port)
 *   --root DIR               storage root (default /var/lib/berth/registry)
 *   --read-only              refuse every write (405 UNSUPPORTED)
 *   --tls-cert F --tls-key F serve HTTPS with this PEM certificate chain and key
 *   --auth none|htpasswd|token and its options (src/registry/auth/open-authorizer.ts)
 *   --allow-remote           serve a non-loopback address without authentication
 *   --upload-timeout D       remove uploads idle this long (Go duration, default 1h)
 *   --access-log             print one line per request to stderr
 *
 * Prints one line, "listening on <url>", once it accepts connections (tests
 * read the port from it).
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '../../../errors.js';
import { authConfigFromFlags, openAuthorizer, type AuthFlags } from '../../../registry/auth/open-authorizer.js';
import { RegistryServer, type RegistryServerOptions } from '../../../registry/server/registry-server.js';
import { DEFAULT_ADDR } from '../../../registry/server/listen-address.js';
import { parseGoDuration } from '../../../units/duration.js';
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, noArgs } from '../command.js';

export const DEFAULT_REGISTRY_ROOT = '/var/lib/berth/registry';

interface Flags extends AuthFlags {
  addr: string;
  root: string;
  readOnly?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  allowRemote?: boolean;
  uploadTimeout: string;
  accessLog?: boolean;
}

export function newRegistryServeCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('serve')
    .use('serve [OPTIONS]')
    .description('Run an OCI distribution registry')
    .option('--addr <host:port>', 'Address to listen on', DEFAULT_ADDR)
    .option('--root <dir>', 'Storage root directory', DEFAULT_REGISTRY_ROOT)
    .option('--read-only', 'Refuse pushes and deletions')
    .option('--tls-cert <file>', 'TLS certificate (PEM) to serve HTTPS with')
    .option('--tls-key <file>', 'TLS private key (PEM) for --tls-cert')
    .option('--auth <mode>', 'Authentication: none, htpasswd or token', 'none')
    .option('--htpasswd <file>', 'htpasswd file with bcrypt entries (htpasswd and token modes)')
    .option('--auth-realm <name>', 'Realm of the Basic challenge')
    .option('--token-realm <url>', 'Token mode: where clients fetch tokens (a URL, or a path served here)')
    .option('--token-service <name>', 'Token mode: service name (token audience)')
    .option('--token-issuer <name>', 'Token mode: token issuer')
    .option('--token-ttl <seconds>', 'Token mode: token lifetime in seconds')
    .option('--acl <file>', 'Access control list (who may pull, push, delete what)')
    .option('--anonymous-pull', 'Let callers without credentials pull')
    .option('--allow-remote', 'Serve a non-loopback address without authentication')
    .option('--upload-timeout <duration>', 'Remove uploads idle for this long', '1h')
    .option('--access-log', 'Print one line per request to stderr')
    .run<Flags>(noArgs, (_args, f) => runRegistryServe(cli, f));
}

export async function runRegistryServe(cli: BerthCli, f: Flags): Promise<void> {
  if ((f.tlsCert === undefined) !== (f.tlsKey === undefined)) throw new InvalidArgumentError('--tls-cert and --tls-key go together');
  const uploadTimeoutMs = parseGoDuration(f.uploadTimeout);
  if (!(uploadTimeoutMs > 0)) throw new InvalidArgumentError(`invalid --upload-timeout: ${f.uploadTimeout}`);
  const authorizer = await openAuthorizer(authConfigFromFlags(f, f.root));
  const opts: RegistryServerOptions = {
    root: f.root,
    addr: f.addr,
    readOnly: f.readOnly === true,
    authorizer,
    allowRemote: f.allowRemote === true,
    uploadTimeoutMs,
    accessLog: f.accessLog === true,
    log: (line) => cli.eprintln(line),
  };
  if (f.tlsCert !== undefined && f.tlsKey !== undefined) {
    opts.tls = { cert: await readFile(f.tlsCert), key: await readFile(f.tlsKey) };
  }
  const server = await RegistryServer.start(opts);
  cli.println(`listening on ${server.url}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
}
