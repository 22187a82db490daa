/**
 * The flags `run` and `create` share (docker/cli container/opts.go addFlags),
 * as commander options, and the typed bag of values they parse into.
 *
 * Flags parse their own syntax (sizes, integers, durations, ulimits) and fail
 * as pflag does; how values combine into a create body is create-body.ts.
 */
import { Option } from 'commander';
import { parseGoDurationNanos } from '../../../units/duration.js';
import type { Mount, Ulimit } from '../../client/types.js';
import type { BerthCommand } from '../command.js';
import { bytesOption, cpusOption, intOption, invalidValue, listOption } from '../flags.js';
import { parseMountFlag } from './mount-flag.js';

/** Values of the shared run/create flags, as commander names them. */
export interface CreateFlags {
  name?: string;
  attach?: string[];
  interactive?: boolean;
  tty?: boolean;
  env?: string[];
  envFile?: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  hostname?: string;
  label?: string[];
  readOnly?: boolean;
  memory?: number;
  memorySwap?: number;
  cpus?: number;
  cpuShares?: number;
  pidsLimit?: number;
  shmSize?: number;
  init?: boolean;
  stopSignal?: string;
  stopTimeout?: number;
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  tmpfs?: string[];
  ulimit?: Ulimit[];
  network?: string;
  networkAlias?: string[];
  ip?: string;
  dns?: string[];
  dnsSearch?: string[];
  dnsOption?: string[];
  addHost?: string[];
  publishAll?: boolean;
  publish?: string[];
  expose?: string[];
  volume?: string[];
  mount?: Mount[];
  volumesFrom?: string[];
  volumeDriver?: string;
  restart?: string;
  rm?: boolean;
  healthCmd?: string;
  healthInterval?: number;
  healthTimeout?: number;
  healthStartPeriod?: number;
  healthStartInterval?: number;
  healthRetries?: number;
  /** false when --no-healthcheck was given (commander's negation). */
  healthcheck?: boolean;
  pull?: string;
  quiet?: boolean;
}

const ULIMIT_NAMES = new Set([
  'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice',
  'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack',
]);

/** go-units ParseUlimit: "nofile=1024[:2048]". */
export function parseUlimit(value: string): Ulimit {
  const eq = value.indexOf('=');
  if (eq < 0) throw new Error(`invalid ulimit argument: ${value}`);
  const name = value.slice(0, eq);
  if (!ULIMIT_NAMES.has(name)) throw new Error(`invalid ulimit type: ${name}`);
  const limits = value.slice(eq + 1).split(':');
  if (limits.length > 2) throw new Error(`too many limit value arguments - ${value.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``);
  const toInt = (s: string): number => {
    if (!/^-?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing "${s}": invalid syntax`);
    return Number(s);
  };
  const soft = toInt(limits[0]!);
  const hard = limits.length === 2 ? toInt(limits[1]!) : soft;
  if (soft > hard) throw new Error(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  return { Name: name, Soft: soft, Hard: hard };
}

function ulimitOption(): Option {
  const option = new Option('--ulimit <ulimit>', 'Ulimit options');
  option.argParser((v: string, prev: Ulimit[] | undefined) => {
    try {
      const u = parseUlimit(v);
      return [...(prev ?? []).filter((p) => p.Name !== u.Name), u];
    } catch (err) {
      throw invalidValue(option, v, (err as Error).message);
    }
  });
  return option;
}

/** --mount, repeatable; each value parsed as docker/cli's MountOpt (a relative "./src" against the working directory). */
function mountOption(): Option {
  const option = new Option('--mount <mount>', 'Attach a filesystem mount to the container');
  option.argParser((v: string, prev: Mount[] | undefined) => {
    try {
      return [...(prev ?? []), parseMountFlag(v, process.cwd())];
    } catch (err) {
      throw invalidValue(option, v, (err as Error).message);
    }
  });
  return option;
}

/** A Go duration flag ("30s", "1m30s"), stored as nanoseconds for the API. */
function durationOption(flags: string, description: string): Option {
  const option = new Option(flags, description);
  option.argParser((v: string) => {
    try {
      return parseGoDurationNanos(v);
    } catch (err) {
      throw invalidValue(option, v, (err as Error).message);
    }
  });
  return option;
}

/** Adds the shared container flags; run/create use `--help` only, since -h is --hostname. */
export function addCreateFlags(cmd: BerthCommand): BerthCommand {
  cmd.helpOption('--help', 'Print usage');
  cmd
    .option('--name <string>', 'Assign a name to the container')
    .addOption(listOption('-a, --attach <stream>', 'Attach to STDIN, STDOUT or STDERR'))
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .addOption(listOption('-e, --env <list>', 'Set environment variables'))
    .addOption(listOption('--env-file <list>', 'Read in a file of environment variables'))
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .option('-u, --user <string>', 'Username or UID (format: <name|uid>[:<group|gid>])')
    .option('--entrypoint <string>', 'Overwrite the default ENTRYPOINT of the image')
    .option('-h, --hostname <string>', 'Container host name')
    .addOption(listOption('-l, --label <list>', 'Set meta data on a container'))
    .option('--read-only', "Mount the container's root filesystem as read only")
    .addOption(bytesOption('-m, --memory <bytes>', 'Memory limit'))
    .addOption(bytesOption('--memory-swap <bytes>', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", true))
    .addOption(cpusOption('--cpus <decimal>', 'Number of CPUs'))
    .addOption(intOption('-c, --cpu-shares <int>', 'CPU shares (relative weight)'))
    .addOption(intOption('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)'))
    .addOption(bytesOption('--shm-size <bytes>', 'Size of /dev/shm'))
    .option('--init', 'Run an init inside the container that forwards signals and reaps processes')
    .option('--stop-signal <string>', 'Signal to stop the container')
    .addOption(intOption('--stop-timeout <int>', 'Timeout (in seconds) to stop a container'))
    .option('--privileged', 'Give extended privileges to this container')
    .addOption(listOption('--cap-add <list>', 'Add Linux capabilities'))
    .addOption(listOption('--cap-drop <list>', 'Drop Linux capabilities'))
    .addOption(listOption('--tmpfs <list>', 'Mount a tmpfs directory'))
    .addOption(ulimitOption())
    .option('--network <network>', 'Connect a container to a network')
    .addOption(listOption('--network-alias <list>', 'Add network-scoped alias for the container'))
    .option('--ip <string>', 'IPv4 address (e.g., 172.30.100.104)')
    .addOption(listOption('--dns <list>', 'Set custom DNS servers'))
    .addOption(listOption('--dns-search <list>', 'Set custom DNS search domains'))
    .addOption(listOption('--dns-option <list>', 'Set DNS options'))
    .addOption(listOption('--add-host <list>', 'Add a custom host-to-IP mapping (host:ip)'))
    .option('-P, --publish-all', 'Publish all exposed ports to random ports')
    .addOption(listOption('-p, --publish <list>', "Publish a container's port(s) to the host"))
    .addOption(listOption('--expose <list>', 'Expose a port or a range of ports'))
    .addOption(listOption('-v, --volume <list>', 'Bind mount a volume'))
    .addOption(mountOption())
    .addOption(listOption('--volumes-from <list>', 'Mount volumes from the specified container(s)'))
    .option('--volume-driver <string>', 'Optional volume driver for the container')
    .option('--restart <string>', 'Restart policy to apply when a container exits', 'no')
    .option('--rm', 'Automatically remove the container and its associated anonymous volumes when it exits')
    .option('--health-cmd <string>', 'Command to run to check health')
    .addOption(durationOption('--health-interval <duration>', 'Time between running the check (ms|s|m|h) (default 0s)'))
    .addOption(durationOption('--health-timeout <duration>', 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)'))
    .addOption(durationOption('--health-start-period <duration>', 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)'))
    .addOption(durationOption('--health-start-interval <duration>', 'Time between running the check during the start period (ms|s|m|h) (default 0s)'))
    .addOption(intOption('--health-retries <int>', 'Consecutive failures needed to report unhealthy'))
    .option('--no-healthcheck', 'Disable any container-specified HEALTHCHECK')
    .option('--pull <string>', 'Pull image before running ("always", "missing", "never")', 'missing')
    .option('-q, --quiet', 'Suppress the pull output');
  return cmd;
}
