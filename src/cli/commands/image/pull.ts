/**
 * `berth pull` / `berth image pull`: fetch an image from a registry, with the
 * credentials `berth login` stored for its registry, showing the daemon's
 * progress as docker does (per-layer bars on a terminal, a log otherwise).
 *
 *   berth pull busybox                   Using default tag: latest … docker.io/library/busybox:latest
 *   berth pull -a 127.0.0.1:5000/app     every tag; prints the name without a tag at the end
 *   berth pull --platform linux/arm64 x  the platform is the daemon's to check (sent lower-cased)
 *   berth pull -q x@sha256:…             only the reference
 *
 * The request is docker 28's: POST /images/create?fromImage=<full name>
 * [&platform=…][&tag=<tag or digest>] with X-Registry-Auth.
 */
import { Option } from 'commander';
import { InvalidArgumentError } from '../../../errors.js';
import { DEFAULT_TAG, formatReference, parseNormalizedNamed, referenceName } from '../../../reference/reference.js';
import type { BerthCli } from '../../cli-context.js';
import { authConfigKey } from '../../config/auth-config.js';
import { loadConfigFile, withLoginRetry } from '../../config/registry-credentials.js';
import { displayJsonMessages } from '../../stream/json-message.js';
import { BerthCommand, exactArgs } from '../command.js';

export interface PullOptions {
  image: string;
  allTags?: boolean;
  quiet?: boolean;
  /** os[/arch[/variant]]; default $DOCKER_DEFAULT_PLATFORM. */
  platform?: string;
}

interface Flags {
  allTags?: boolean;
  quiet?: boolean;
  platform?: string;
  disableContentTrust?: boolean;
}

export function newPullCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('pull')
    .use('pull [OPTIONS] NAME[:TAG|@DIGEST]')
    .description('Download an image from a registry')
    .option('-a, --all-tags', 'Download all tagged images in the repository')
    .addOption(contentTrustOption('Skip image verification (default true)'))
    .addOption(new Option('--no-disable-content-trust').hideHelp())
    .option('--platform <string>', 'Set platform if server is multi-platform capable', process.env['DOCKER_DEFAULT_PLATFORM'] || undefined)
    .option('-q, --quiet', 'Suppress verbose output')
    .run<Flags>(exactArgs(1), async ([image], f) => {
      refuseContentTrust(f.disableContentTrust);
      await runPull(cli, { image: image!, allTags: f.allTags === true, quiet: f.quiet === true, platform: f.platform });
    });
}

/** docker's `--disable-content-trust` (on by default). */
export function contentTrustOption(description: string): Option {
  return new Option('--disable-content-trust', description);
}

/** Berth has no Notary client: asking for signed images must not silently get unsigned ones. */
export function refuseContentTrust(disable: boolean | undefined): void {
  if (disable === false) throw new InvalidArgumentError('content trust is not supported by berth (--disable-content-trust=false)');
}

export async function runPull(cli: BerthCli, o: PullOptions): Promise<void> {
  const ref = parseNormalizedNamed(o.image);
  const nameOnly = ref.tag === undefined && ref.digest === undefined;
  if (o.allTags === true && !nameOnly) throw new InvalidArgumentError("tag can't be used with --all-tags/-a");
  if (o.allTags !== true && nameOnly) {
    ref.tag = DEFAULT_TAG;
    if (o.quiet !== true) cli.println(`Using default tag: ${DEFAULT_TAG}`);
  }
  const config = await loadConfigFile(cli);
  const tag = o.allTags === true ? undefined : (ref.digest ?? ref.tag);
  const res = await withLoginRetry(cli, config, authConfigKey(ref.domain), 'pull', (registryAuth) =>
    cli.client.images.pullFromRegistry(referenceName(ref), { tag, platform: o.platform, registryAuth }),
  );
  await displayJsonMessages(res, o.quiet === true ? undefined : cli.out);
  cli.println(formatReference(ref));
}
