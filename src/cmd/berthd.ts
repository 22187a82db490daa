#!/usr/bin/env node
/**
 * berthd: parse flags, start the daemon, stop cleanly on SIGTERM/SIGINT
 * (containers keep running), map a fatal error to exit code 1.
 */
import { parseArgs } from 'node:util';
import { Daemon } from '../daemon/daemon.js';

const USAGE = `Usage: berthd [OPTIONS]

A container engine that serves the Docker Engine API.

Options:
  -H, --host string        unix socket to listen on (default "unix:///run/berth/berth.sock")
      --data-root string   root of persistent state (default "/var/lib/berth")
      --exec-root string   root of runtime state (default "/run/berth")
      --runtime string     OCI runtime binary (default "runc")
      --bip string         the default bridge network's gateway address and subnet (default "172.17.0.1/16")
      --default-address-pool base=CIDR,size=N
                           subnets for user-defined networks (repeatable; default Docker's pools)
      --dns string         upstream DNS server for containers (repeatable; default the host's resolv.conf)
      --network-prefix string
                           names of host-wide network objects: the default bridge <prefix>0 and
                           iptables chains <PREFIX>-… (default "berth"; several daemons on one host
                           each need their own)
      --insecure-registry string
                           a registry reached over plain HTTP or unverified TLS: host[:port] or CIDR
                           (repeatable; 127.0.0.0/8 always is)
      --local-registries-only
                           reach only loopback and --insecure-registry registries (no outside DNS query)
      --cleanup            remove this daemon's bridges, iptables chains and netns mounts, then exit
                           (berthd leaves them when it stops: running containers keep using them)
  -h, --help               print usage
`;

function socketPathOf(host: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  throw new Error(`unsupported host ${JSON.stringify(host)}: only unix:// sockets are served`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', short: 'H', default: 'unix:///run/berth/berth.sock' },
      'data-root': { type: 'string', default: '/var/lib/berth' },
      'exec-root': { type: 'string', default: '/run/berth' },
      runtime: { type: 'string', default: 'runc' },
      bip: { type: 'string', default: '172.17.0.1/16' },
      'default-address-pool': { type: 'string', multiple: true, default: [] },
      dns: { type: 'string', multiple: true, default: [] },
      'network-prefix': { type: 'string', default: 'berth' },
      'insecure-registry': { type: 'string', multiple: true, default: [] },
      'local-registries-only': { type: 'boolean' },
      cleanup: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.cleanup) {
    const { cleanupNetworking } = await import('../network/network-cleanup.js');
    const removed = await cleanupNetworking({ dataRoot: values['data-root']!, execRoot: values['exec-root']!, prefix: checkPrefix(values['network-prefix']!) });
    for (const r of removed) process.stderr.write(`berthd: removed ${r}\n`);
    return;
  }
  const runtime = values.runtime!;
  const daemon = new Daemon({
    socketPath: socketPathOf(values.host!),
    dataRoot: values['data-root']!,
    execRoot: values['exec-root']!,
    runcPath: runtime.includes('/') ? runtime : await which(runtime),
    version: '0.1.0',
    network: {
      bip: values.bip!,
      pools: values['default-address-pool']!.map(parsePool),
      dns: values.dns!,
      prefix: checkPrefix(values['network-prefix']!),
    },
    insecureRegistries: values['insecure-registry']!,
    localRegistriesOnly: values['local-registries-only'] === true,
    log: (msg) => process.stderr.write(`berthd: ${msg}\n`),
  });
  const { mkdir } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await mkdir(dirname(socketPathOf(values.host!)), { recursive: true });
  await daemon.start();
  process.stderr.write(`berthd: API listening on ${values.host}\n`);
  let stopping = false;
  const shutdown = (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`berthd: ${sig}: shutting down, containers keep running\n`);
    daemon.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // A bug in one request's background work must not take every container's API down with it.
  process.on('unhandledRejection', (err) => process.stderr.write(`berthd: unhandled rejection: ${(err as Error)?.stack ?? String(err)}\n`));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Docker's --default-address-pool value: "base=10.10.0.0/16,size=24". */
function parsePool(v: string): { base: string; size: number } {
  const kv = Object.fromEntries(v.split(',').map((p) => p.split('=', 2) as [string, string]));
  const size = Number(kv.size);
  if (!kv.base || !Number.isInteger(size) || size < 1 || size > 30) throw new Error(`invalid --default-address-pool ${JSON.stringify(v)}: base=CIDR,size=N expected`);
  return { base: kv.base, size };
}

/** Bridge names are at most 15 characters and chain names 28: the prefix is short and plain. */
function checkPrefix(p: string): string {
  if (!/^[a-z][a-z0-9]{0,9}$/.test(p)) throw new Error(`invalid --network-prefix ${JSON.stringify(p)}: 1 to 10 lower-case letters and digits, starting with a letter`);
  return p;
}

async function which(name: string): Promise<string> {
  const { access, constants } = await import('node:fs/promises');
  for (const dir of (process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = `${dir}/${name}`;
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  for (const p of [`/usr/sbin/${name}`, `/usr/bin/${name}`]) {
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  throw new Error(`runtime ${name} not found in PATH`);
}

main().catch((err: unknown) => {
  process.stderr.write(`berthd: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
