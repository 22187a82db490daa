/**
 * The image inspect JSON as the docker CLI's `--format` templates see it:
 * decoded into Go structs (image.InspectResponse, its Config a
 * DockerOCIImageConfig), not the raw JSON. So `{{.Config.Entrypoint}}`
 * prints "[]" for none, `{{.ID}}` works (the Go field) while `{{.Id}}` only
 * through docker's fallback to the raw map, `{{json .Config}}` lists only
 * the OCI fields, and `{{.Metadata.LastTagTime}}` prints as a Go time.
 *
 * JS stand-ins for Go values: classes are structs (fields in Go order, for
 * `{{.Config}}`), a Map is a map (sorted in JSON like Go's), nilSlice()/nilMap()
 * print "[]"/"map[]" and encode as null, GoTime and GoDuration are Stringers.
 */

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** A Go nil slice: "[]" when printed, null in JSON. */
function nilSlice(): unknown[] {
  return Object.defineProperty([], 'toJSON', { value: () => null });
}

/** A Go nil map: "map[]" when printed, null in JSON. */
function nilMap(): Map<string, unknown> {
  return Object.defineProperty(new Map(), 'toJSON', { value: () => null });
}

function strings(v: unknown): unknown[] {
  return Array.isArray(v) ? v.map(String) : nilSlice();
}

function map(v: unknown, value: (x: unknown) => unknown = (x) => x): Map<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return nilMap();
  return new Map(Object.entries(v as Json).map(([k, x]) => [k, value(x)]));
}

/** Go's struct{}: printed "{}", encoded {}. */
class EmptyStruct {}

const RFC3339 = /^(\d{4,}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** Go's time.Time from an RFC 3339 string: String() as Go prints it, JSON as Go re-marshals it (RFC3339Nano). */
export class GoTime {
  readonly #m: RegExpExecArray | null;

  constructor(readonly text: string) {
    this.#m = RFC3339.exec(text);
  }

  /** The fraction without trailing zeros ("" when none is left), as Go's ".999999999" layouts print it. */
  #fraction(): string {
    const frac = (this.#m?.[3] ?? '').replace(/0+$/, '');
    return frac === '.' ? '' : frac;
  }

  toString(): string {
    const m = this.#m;
    if (m === null) return this.text;
    const zone = m[4] === 'Z' ? '+0000 UTC' : `${m[4]!.replace(':', '')} ${m[4]!.replace(':', '')}`;
    return `${m[1]} ${m[2]}${this.#fraction()} ${zone}`;
  }

  toJSON(): string {
    const m = this.#m;
    return m === null ? this.text : `${m[1]}T${m[2]}${this.#fraction()}${m[4]}`;
  }
}

/** Go's time.Duration (nanoseconds): String() like "1m30s", JSON the number. */
export class GoDuration {
  constructor(readonly nanos: number) {}

  toString(): string {
    const n = this.nanos;
    if (n === 0) return '0s';
    const sign = n < 0 ? '-' : '';
    const a = Math.abs(n);
    if (a < 1e3) return `${sign}${a}ns`;
    if (a < 1e6) return `${sign}${trim(a / 1e3)}µs`;
    if (a < 1e9) return `${sign}${trim(a / 1e6)}ms`;
    const h = Math.floor(a / 3.6e12);
    const m = Math.floor((a % 3.6e12) / 6e10);
    const s = trim((a % 6e10) / 1e9);
    return `${sign}${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
  }

  toJSON(): number {
    return this.nanos;
  }
}

function trim(x: number): string {
  return String(Number(x.toFixed(9)));
}

class HealthcheckConfig {
  Test: unknown[];
  Interval: GoDuration;
  Timeout: GoDuration;
  StartPeriod: GoDuration;
  StartInterval: GoDuration;
  Retries: number;

  constructor(j: Json) {
    this.Test = strings(j['Test']);
    this.Interval = new GoDuration(num(j['Interval']));
    this.Timeout = new GoDuration(num(j['Timeout']));
    this.StartPeriod = new GoDuration(num(j['StartPeriod']));
    this.StartInterval = new GoDuration(num(j['StartInterval']));
    this.Retries = num(j['Retries']);
  }

  toJSON(): Json {
    return omitEmpty({ ...this } as Json);
  }
}

/** ocispec.ImageConfig. */
class ImageConfig {
  User: string;
  ExposedPorts: Map<string, unknown>;
  Env: unknown[];
  Entrypoint: unknown[];
  Cmd: unknown[];
  Volumes: Map<string, unknown>;
  WorkingDir: string;
  Labels: Map<string, unknown>;
  StopSignal: string;
  ArgsEscaped: boolean;

  constructor(j: Json) {
    this.User = str(j['User']);
    this.ExposedPorts = map(j['ExposedPorts'], () => new EmptyStruct());
    this.Env = strings(j['Env']);
    this.Entrypoint = strings(j['Entrypoint']);
    this.Cmd = strings(j['Cmd']);
    this.Volumes = map(j['Volumes'], () => new EmptyStruct());
    this.WorkingDir = str(j['WorkingDir']);
    this.Labels = map(j['Labels'], String);
    this.StopSignal = str(j['StopSignal']);
    this.ArgsEscaped = j['ArgsEscaped'] === true;
  }
}

/** dockerspec.DockerOCIImageConfigExt. */
class DockerOCIImageConfigExt {
  Healthcheck: HealthcheckConfig | null;
  OnBuild: unknown[];
  Shell: unknown[];

  constructor(j: Json) {
    this.Healthcheck = j['Healthcheck'] ? new HealthcheckConfig(obj(j['Healthcheck'])) : null;
    this.OnBuild = strings(j['OnBuild']);
    this.Shell = strings(j['Shell']);
  }
}

/** dockerspec.DockerOCIImageConfig: two embedded structs, their fields promoted. */
class DockerOCIImageConfig {
  ImageConfig: ImageConfig;
  DockerOCIImageConfigExt: DockerOCIImageConfigExt;

  constructor(j: Json) {
    this.ImageConfig = new ImageConfig(j);
    this.DockerOCIImageConfigExt = new DockerOCIImageConfigExt(j);
  }

  toJSON(): Json {
    return omitEmpty({ ...this.ImageConfig, ...this.DockerOCIImageConfigExt });
  }
}

for (const [part, fields] of [
  ['ImageConfig', ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal', 'ArgsEscaped']],
  ['DockerOCIImageConfigExt', ['Healthcheck', 'OnBuild', 'Shell']],
] as const) {
  for (const f of fields) {
    Object.defineProperty(DockerOCIImageConfig.prototype, f, {
      get(this: DockerOCIImageConfig) {
        return (this[part] as unknown as Json)[f];
      },
    });
  }
}

/** image.InspectResponse, fields in Go order; JSON keys and omitempty as its tags say. */
export class ImageInspectView {
  ID: string;
  RepoTags: unknown[];
  RepoDigests: unknown[];
  Parent: string;
  Comment: string;
  Created: string;
  Container: string;
  ContainerConfig: null;
  DockerVersion: string;
  Author: string;
  Config: DockerOCIImageConfig | null;
  Architecture: string;
  Variant: string;
  Os: string;
  OsVersion: string;
  Size: number;
  VirtualSize: number;
  GraphDriver: { Data: Map<string, unknown>; Name: string };
  RootFS: { Type: string; Layers: unknown[] };
  Metadata: { LastTagTime: GoTime };
  Descriptor: null;
  Manifests: unknown[];

  constructor(raw: unknown) {
    const j = obj(raw);
    this.ID = str(j['Id']);
    this.RepoTags = strings(j['RepoTags']);
    this.RepoDigests = strings(j['RepoDigests']);
    this.Parent = str(j['Parent']);
    this.Comment = str(j['Comment']);
    this.Created = str(j['Created']);
    this.Container = str(j['Container']);
    this.ContainerConfig = null;
    this.DockerVersion = str(j['DockerVersion']);
    this.Author = str(j['Author']);
    this.Config = j['Config'] ? new DockerOCIImageConfig(obj(j['Config'])) : null;
    this.Architecture = str(j['Architecture']);
    this.Variant = str(j['Variant']);
    this.Os = str(j['Os']);
    this.OsVersion = str(j['OsVersion']);
    this.Size = num(j['Size']);
    this.VirtualSize = num(j['VirtualSize']);
    const gd = obj(j['GraphDriver']);
    this.GraphDriver = new DriverData(map(gd['Data'], String), str(gd['Name']));
    const rootfs = obj(j['RootFS']);
    this.RootFS = new RootFS(str(rootfs['Type']), strings(rootfs['Layers']));
    this.Metadata = new Metadata(new GoTime(str(obj(j['Metadata'])['LastTagTime']) || '0001-01-01T00:00:00Z'));
    this.Descriptor = null;
    this.Manifests = nilSlice();
  }

  toJSON(): Json {
    const out: Json = {};
    for (const [k, v] of Object.entries(this)) {
      if (OMIT_EMPTY.has(k) && isEmpty(v)) continue;
      out[k === 'ID' ? 'Id' : k] = v;
    }
    return out;
  }
}

/** InspectResponse fields tagged omitempty. */
const OMIT_EMPTY = new Set(['Created', 'Container', 'ContainerConfig', 'Variant', 'OsVersion', 'VirtualSize', 'Descriptor', 'Manifests']);

class DriverData {
  constructor(
    public Data: Map<string, unknown>,
    public Name: string,
  ) {}
}

class RootFS {
  constructor(
    public Type: string,
    public Layers: unknown[],
  ) {}

  toJSON(): Json {
    return omitEmpty({ ...this } as Json);
  }
}

class Metadata {
  constructor(public LastTagTime: GoTime) {}
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (v instanceof GoDuration) return v.nanos === 0;
  return false;
}

/** Go's omitempty for every field. */
function omitEmpty(fields: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(fields)) if (!isEmpty(v)) out[k] = v;
  return out;
}
