/**
 * The network inspect JSON as the docker CLI's `network inspect --format`
 * templates see it: decoded into moby's network.Inspect struct, not the raw
 * JSON. So `{{.ID}}` works (the Go field; `{{.Id}}` only through docker's
 * fallback to the raw map), `{{.Created}}` prints as a Go time, nil maps
 * print "map[]", and `{{.IPAM.Config}}` prints structs with every field:
 * "[{172.18.0.0/16  172.18.0.1 map[]}]".
 *
 * The struct is docker 28's (it has EnableIPv4, which API 1.45 daemons do
 * not send: false, as Go's zero value).
 *
 * JS stand-ins for Go values, as in image-inspect.ts: classes are structs
 * (fields in Go order), a Map is a map, nilMap()/nilSlice() print
 * "map[]"/"[]" and encode as null.
 */
import { GoTime } from './image-inspect.js';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A Go nil slice: "[]" when printed, null in JSON. */
function nilSlice(): unknown[] {
  return Object.defineProperty([], 'toJSON', { value: () => null });
}

/** A Go nil map: "map[]" when printed, null in JSON. */
function nilMap(): Map<string, unknown> {
  return Object.defineProperty(new Map(), 'toJSON', { value: () => null });
}

/** A JSON object as a Go map (null or absent: a nil map). */
function map(v: unknown, value: (x: unknown) => unknown = String): Map<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return nilMap();
  return new Map(Object.entries(v as Json).map(([k, x]) => [k, value(x)]));
}

/** Go's omitempty: drop "", false, 0, null and empty slices/maps. */
function omitEmpty(fields: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined || v === '' || v === 0 || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v instanceof Map && v.size === 0) continue;
    out[k] = v;
  }
  return out;
}

/** network.IPAMConfig: Subnet, IPRange, Gateway omitempty; AuxAddress is "AuxiliaryAddresses" in JSON. */
class IPAMConfig {
  Subnet: string;
  IPRange: string;
  Gateway: string;
  AuxAddress: Map<string, unknown>;

  constructor(j: Json) {
    this.Subnet = str(j['Subnet']);
    this.IPRange = str(j['IPRange']);
    this.Gateway = str(j['Gateway']);
    this.AuxAddress = map(j['AuxiliaryAddresses']);
  }

  toJSON(): Json {
    return omitEmpty({ Subnet: this.Subnet, IPRange: this.IPRange, Gateway: this.Gateway, AuxiliaryAddresses: this.AuxAddress });
  }
}

/** network.IPAM. */
class IPAM {
  Driver: string;
  Options: Map<string, unknown>;
  Config: unknown[];

  constructor(j: Json) {
    this.Driver = str(j['Driver']);
    this.Options = map(j['Options']);
    this.Config = Array.isArray(j['Config']) ? j['Config'].map((c) => new IPAMConfig(obj(c))) : nilSlice();
  }
}

/** network.ConfigReference. */
class ConfigReference {
  constructor(public Network: string) {}
}

/** network.EndpointResource: one container on the network. */
class EndpointResource {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  IPv6Address: string;

  constructor(j: Json) {
    this.Name = str(j['Name']);
    this.EndpointID = str(j['EndpointID']);
    this.MacAddress = str(j['MacAddress']);
    this.IPv4Address = str(j['IPv4Address']);
    this.IPv6Address = str(j['IPv6Address']);
  }
}

/** network.Inspect, fields in Go order; JSON keys and omitempty as its tags say. */
export class NetworkInspectView {
  Name: string;
  ID: string;
  Created: GoTime;
  Scope: string;
  Driver: string;
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: IPAM;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: ConfigReference;
  ConfigOnly: boolean;
  Containers: Map<string, unknown>;
  Options: Map<string, unknown>;
  Labels: Map<string, unknown>;
  Peers: unknown[];
  Services: Map<string, unknown>;

  constructor(raw: unknown) {
    const j = obj(raw);
    this.Name = str(j['Name']);
    this.ID = str(j['Id']);
    this.Created = new GoTime(str(j['Created']) || '0001-01-01T00:00:00Z');
    this.Scope = str(j['Scope']);
    this.Driver = str(j['Driver']);
    this.EnableIPv4 = j['EnableIPv4'] === true;
    this.EnableIPv6 = j['EnableIPv6'] === true;
    this.IPAM = new IPAM(obj(j['IPAM']));
    this.Internal = j['Internal'] === true;
    this.Attachable = j['Attachable'] === true;
    this.Ingress = j['Ingress'] === true;
    this.ConfigFrom = new ConfigReference(str(obj(j['ConfigFrom'])['Network']));
    this.ConfigOnly = j['ConfigOnly'] === true;
    this.Containers = map(j['Containers'], (c) => new EndpointResource(obj(c)));
    this.Options = map(j['Options']);
    this.Labels = map(j['Labels']);
    // Swarm only: decoded as raw JSON values, enough for `{{json .Peers}}`.
    this.Peers = Array.isArray(j['Peers']) ? (j['Peers'] as unknown[]) : nilSlice();
    this.Services = map(j['Services'], (x) => x);
  }

  toJSON(): Json {
    const out: Json = {};
    for (const [k, v] of Object.entries(this)) {
      if ((k === 'Peers' || k === 'Services') && Object.keys(omitEmpty({ [k]: v })).length === 0) continue;
      out[k === 'ID' ? 'Id' : k] = v;
    }
    return out;
  }
}
