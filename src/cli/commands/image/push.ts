/**
 * `berth push` / `berth image push`: upload an image to its registry with
 * the credentials `berth login` stored for it, showing the daemon's progress
 * as docker does (per-layer bars on a terminal, a log otherwise).
 *
 *   berth push 127.0.0.1:5000/app        Using default tag: latest … latest: digest: sha256:… size: 527
 *   berth push -a 127.0.0.1:5000/app     every local tag of the repository
 *   berth push -q 127.0.0.1:5000/app:1   only the reference
 *
 * The request is docker 28's: POST /images/<full name>/push[?tag=…] with
 * X-Registry-Auth. `aux` messages telling that only part of an index was
 * pushed become notes after the progress, as docker prints them.
 */
import { Option } from 'commander';
import { InvalidArgumentError } from '../../../errors.js';
import { DEFAULT_TAG, formatReference, parseNormalizedNamed, referenceName } from '../../../reference/reference.js';
import type { BerthCli } from '../../cli-context.js';
import { compareVersions } from '../../client/transport.js';
import type { JsonMessage } from '../../client/types.js';
import { authConfigKey } from '../../config/auth-config.js';
import { printNote } from '../../config/credential-prompt.js';
import { loadConfigFile, withLoginRetry } from '../../config/registry-credentials.js';
import { displayJsonMessages } from '../../stream/json-message.js';
import { BerthCommand, exactArgs } from '../command.js';
import { contentTrustOption, refuseContentTrust } from './pull.js';

export interface PushOptions {
  image: string;
  allTags?: boolean;
  quiet?: boolean;
  /** Needs API 1.46, which berthd does not speak yet: refused before any request. */
  platform?: string;
}

interface Flags {
  allTags?: boolean;
  quiet?: boolean;
  platform?: string;
  disableContentTrust?: boolean;
}

const PLATFORM_HELP =
  "Push a platform-specific manifest as a single-platform image to the registry.\nImage index won't be pushed, meaning that other manifests, including attestations won't be preserved.\n'os[/arch[/variant]]': Explicit platform (eg. linux/amd64)";

export function newPushCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('push')
    .use('push [OPTIONS] NAME[:TAG]')
    .description('Upload an image to a registry')
    .option('-a, --all-tags', 'Push all tags of an image to the repository')
    .addOption(contentTrustOption('Skip image signing (default true)'))
    .addOption(new Option('--no-disable-content-trust').hideHelp())
    .option('--platform <string>', PLATFORM_HELP, process.env['DOCKER_DEFAULT_PLATFORM'] || undefined)
    .option('-q, --quiet', 'Suppress verbose output')
    .run<Flags>(exactArgs(1), async ([image], f) => {
      refuseContentTrust(f.disableContentTrust);
      await runPush(cli, { image: image!, allTags: f.allTags === true, quiet: f.quiet === true, platform: f.platform });
    });
}

export async function runPush(cli: BerthCli, o: PushOptions): Promise<void> {
  const platform = o.platform !== undefined && o.platform !== '' ? await platformQuery(cli, o.platform) : undefined;
  const ref = parseNormalizedNamed(o.image);
  const nameOnly = ref.tag === undefined && ref.digest === undefined;
  if (o.allTags === true && !nameOnly) throw new InvalidArgumentError("tag can't be used with --all-tags/-a");
  if (o.allTags !== true && nameOnly) {
    ref.tag = DEFAULT_TAG;
    if (o.quiet !== true) cli.println(`Using default tag: ${DEFAULT_TAG}`);
  }
  if (ref.digest !== undefined) throw new InvalidArgumentError('cannot push a digest reference');

  const config = await loadConfigFile(cli);
  const res = await withLoginRetry(cli, config, authConfigKey(ref.domain), 'push', (registryAuth) =>
    cli.client.images.push(referenceName(ref), { tag: o.allTags === true ? undefined : ref.tag, registryAuth, platform }),
  );
  const notes: string[] = [];
  try {
    await displayJsonMessages(res, o.quiet === true ? undefined : cli.out, { onMessage: (m) => collectNote(m, notes) });
  } finally {
    for (const note of notes) printNote(cli.out, note);
  }
  if (o.quiet === true) cli.println(formatReference(ref));
}

/**
 * `--platform` as docker 28 sends it (an OCI platform as JSON), after its
 * flag check: the option needs API 1.46.
 */
async function platformQuery(cli: BerthCli, platform: string): Promise<string> {
  const version = await cli.client.apiVersion();
  if (compareVersions(version, '1.46') < 0) {
    throw new InvalidArgumentError(`"--platform" requires API version 1.46, but the Berth daemon API version is ${version}`);
  }
  const [os = '', architecture = '', variant] = platform.toLowerCase().split('/');
  return JSON.stringify(variant !== undefined && variant !== '' ? { architecture, os, variant } : { architecture, os });
}

const red = (s: string): string => `\x1b[31m${s}\x1b[0m`;
const green = (s: string): string => `\x1b[32m${s}\x1b[0m`;

/** docker's push handleAux: the two aux payloads that deserve a note. */
function collectNote(m: JsonMessage, notes: string[]): void {
  const aux = m.aux as
    | { manifestPushedInsteadOfIndex?: boolean; originalIndex?: { digest?: string }; selectedManifest?: { digest?: string }; contentMissing?: boolean }
    | undefined;
  if (aux === undefined || aux === null) return;
  if (aux.manifestPushedInsteadOfIndex === true) {
    notes.push(
      'Not all multiplatform-content is present and only the available single-platform image was pushed\n' +
        `${red(aux.originalIndex?.digest ?? '')} -> ${green(aux.selectedManifest?.digest ?? '')}`,
    );
  }
  if (aux.contentMissing === true) {
    // docker's text, tabs of its Go source indentation included.
    notes.push(
      "You're trying to push a manifest list/index which \n\t\t\t\treferences multiple platform specific manifests, but not all of them are available locally\n" +
        '\t\t\t\tor available to the remote repository.\n\n\t\t\t\tMake sure you have all the referenced content and try again.\n\n' +
        '\t\t\t\tYou can also push only a single platform specific manifest directly by specifying the platform you want to push with the --platform flag.',
    );
  }
}
