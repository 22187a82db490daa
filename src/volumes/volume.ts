/**
 * The volume vocabulary: a volume record (what `volume inspect` shows), the
 * name rules of the local driver, and a container's mount points (what
 * `inspect` lists under Mounts and what the OCI spec gets at start).
 *
 * A volume is a directory `<data-root>/volumes/<name>/_data` that lives
 * independently of containers. Containers hold references to the volumes
 * their mount points name; a volume with references is "in use" and cannot
 * be removed, one without is "dangling".
 */
import { InvalidArgumentError } from '../errors.js';

/** The only driver Berth has (Docker's default). */
export const LOCAL_DRIVER = 'local';

/** Set on volumes created without a name (Docker ≥ 23): `volume prune` removes only these unless all=true. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** moby's RestrictedNamePattern, shown in errors as Docker shows it. */
export const RESTRICTED_NAME_CHARS = '[a-zA-Z0-9][a-zA-Z0-9_.-]';
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A volume as it is stored (volume.json) and reported. */
export interface VolumeRecord {
  name: string;
  driver: string;
  /** RFC 3339, seconds, local time zone (Docker formats a time.Time that way). */
  createdAt: string;
  /** As the client sent them: null when it sent none (Docker keeps that difference). */
  labels: Record<string, string> | null;
  /** Local driver options (type, device, o); null when none were given. */
  options: Record<string, string> | null;
}

/**
 * Whether `name` is a valid local volume name. The rule also keeps every
 * volume inside the volumes directory: no "/", no leading ".", so no "..".
 */
export function isValidVolumeName(name: string): boolean {
  return NAME_RE.test(name);
}

/** Throws Docker's error for a name the local driver refuses. */
export function validateVolumeName(name: string): void {
  if (name.length === 1) {
    throw new InvalidArgumentError(`create ${name}: volume name is too short, names should be at least two alphanumeric characters`);
  }
  if (!isValidVolumeName(name)) {
    throw new InvalidArgumentError(
      `create ${name}: ${JSON.stringify(name)} includes invalid characters for a local volume name, only ${JSON.stringify(RESTRICTED_NAME_CHARS)} are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

/** Docker names an anonymous volume like a container: 64 random hex digits. */
export function isAnonymous(v: VolumeRecord): boolean {
  return v.labels !== null && ANONYMOUS_LABEL in v.labels;
}

/** Whether the local driver mounts something at _data for this volume (tmpfs, bind, nfs…). */
export function needsMount(v: Pick<VolumeRecord, 'options'>): boolean {
  return !!v.options && (!!v.options['type'] || !!v.options['device']);
}

/** time.Time.Format(time.RFC3339) of `d` in the machine's zone: "2024-05-01T10:00:00Z" or "…+02:00". */
export function rfc3339Seconds(d: Date): string {
  const offsetMin = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + offsetMin * 60_000);
  const base = local.toISOString().slice(0, 19);
  if (offsetMin === 0) return `${base}Z`;
  const sign = offsetMin > 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${base}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export type MountType = 'volume' | 'bind' | 'tmpfs';

/**
 * One mount of a container, decided at create time and kept in the
 * container record (Docker's MountPoint).
 *
 * Lifecycle: create resolves HostConfig.Binds/Mounts/VolumesFrom and
 * Config.Volumes into these (volumes created and referenced) → each start
 * turns them into OCI mounts (volumes mounted when their driver needs it,
 * seeded once from the image when copyData) → each exit releases the active
 * mounts → rm drops the references (and with -v removes anonymous volumes).
 */
export interface MountPoint {
  type: MountType;
  /** Volume name (volume mounts only). */
  name?: string;
  /** Host path: a bind's source, a volume's _data; "" for tmpfs. */
  source: string;
  /** Clean absolute path in the container. */
  destination: string;
  /** "local" for volume mounts. */
  driver?: string;
  /** The mode text as given ("ro", "z", "rw,nocopy", …), as Docker reports it. */
  mode: string;
  rw: boolean;
  /** Bind propagation ("rprivate" unless asked otherwise); "" for volumes and tmpfs. */
  propagation: string;
  /** Volume: fill an empty volume from the image's content at the first start. */
  copyData?: boolean;
  /** Volume made for this container without a name: `rm -v` and `--rm` remove it. */
  anonymous?: boolean;
  /** Bind from -v: a missing source directory is created at start (--mount must exist). */
  createSource?: boolean;
  /** bind-nonrecursive: "bind" instead of "rbind". */
  nonRecursive?: boolean;
  /** tmpfs: mount data ("size=64m,mode=1777"). */
  tmpfsData?: string;
}

/** The Engine API's MountPoint (inspect `Mounts`, ps `Mounts`). */
export interface MountPointJson {
  Type: MountType;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

export function mountPointJson(m: MountPoint): MountPointJson {
  return {
    Type: m.type,
    ...(m.name ? { Name: m.name } : {}),
    Source: m.source,
    Destination: m.destination,
    ...(m.driver ? { Driver: m.driver } : {}),
    Mode: m.mode,
    RW: m.rw,
    Propagation: m.propagation,
  };
}
