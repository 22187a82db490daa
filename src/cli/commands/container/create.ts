/**
 * `berth create` / `berth container create`, and createContainer(), the
 * create-with-pull-fallback step `run` shares (docker/cli container/create.go).
 *
 * Flow: --pull always → pull first; create; on 404 with --pull missing (the
 * default) and a named reference → "Unable to find image 'x:latest' locally"
 * on stderr, pull (progress to stderr), create again; warnings → stderr.
 */
import type { BerthCli } from '../../cli-context.js';
import { ContainerConfigError } from '../../cli-errors.js';
import { isDaemonError } from '../../client/daemon-error.js';
import { familiarName, familiarString, normalizeReference, type Reference } from '../../../reference/reference.js';
import { authConfigKey } from '../../config/auth-config.js';
import { loadConfigFile, registryAuthHeader } from '../../config/registry-credentials.js';
import { displayJsonMessages } from '../../stream/json-message.js';
import { terminalSize } from '../../stream/tty.js';
import { BerthCommand, minArgs } from '../command.js';
import { buildCreateRequest, processEnvironment, type CreateRequest } from './create-body.js';
import { addCreateFlags, type CreateFlags } from './create-flags.js';

export interface PullPolicy {
  pull: string;
  quiet: boolean;
}

export function validatePullPolicy(pull: string | undefined, commandName: string): string {
  const value = pull ?? 'missing';
  if (!['always', 'missing', 'never', ''].includes(value)) {
    const message = `invalid pull option: '${value}': must be one of "always", "missing" or "never"`;
    throw new ContainerConfigError(message, commandName);
  }
  return value === '' ? 'missing' : value;
}

/** The image as a normalised name, or undefined for an id (which cannot be pulled). */
function namedReference(image: string): Reference | undefined {
  try {
    return normalizeReference(image);
  } catch {
    return undefined;
  }
}

/** Pulls `image`, showing progress on stderr unless quiet (fromImage=familiar name, tag=tag or digest). */
export async function pullImage(cli: BerthCli, image: string, quiet: boolean): Promise<void> {
  const ref = normalizeReference(image);
  // The stored credentials of the image's registry go with the pull, as `berth pull` sends them.
  const registryAuth = registryAuthHeader(await loadConfigFile(cli), authConfigKey(ref.domain));
  const tag = ref.digest ?? ref.tag;
  const res = await cli.client.images.pullFromRegistry(familiarName(ref), { ...(tag ? { tag } : {}), registryAuth });
  await displayJsonMessages(res, quiet ? undefined : cli.err);
}

/** Creates the container, pulling the image when missing; returns its id. */
export async function createContainer(cli: BerthCli, request: CreateRequest, policy: PullPolicy): Promise<string> {
  const image = request.body.Image ?? '';
  if (policy.pull === 'always') await pullImage(cli, image, policy.quiet);
  let response;
  try {
    response = await cli.client.containers.create(request.body, request.name);
  } catch (err) {
    const ref = namedReference(image);
    if (!isDaemonError(err, 'not_found') || policy.pull !== 'missing' || ref === undefined) throw err;
    if (!policy.quiet) cli.eprintln(`Unable to find image '${familiarString(ref)}' locally`);
    await pullImage(cli, image, policy.quiet);
    response = await cli.client.containers.create(request.body, request.name);
  }
  for (const w of response.Warnings ?? []) cli.eprintln(`WARNING: ${w}`);
  return response.Id;
}

export interface CreateOptions {
  flags: CreateFlags;
  image: string;
  args: string[];
}

export function newCreateCommand(cli: BerthCli): BerthCommand {
  const cmd = new BerthCommand('create')
    .use('create [OPTIONS] IMAGE [COMMAND] [ARG...]')
    .description('Create a new container')
    .passThroughOptions();
  addCreateFlags(cmd);
  return cmd.run<CreateFlags>(minArgs(1), (args, flags) =>
    runCreate(cli, { flags, image: args[0]!, args: args.slice(1) }),
  );
}

export async function runCreate(cli: BerthCli, opts: CreateOptions): Promise<void> {
  const pull = validatePullPolicy(opts.flags.pull, 'create');
  const request = buildCreateRequest(opts.flags, opts.image, opts.args, processEnvironment(terminalSize(process.stdout)), 'create');
  const id = await createContainer(cli, request, { pull, quiet: opts.flags.quiet === true });
  cli.println(id);
}
