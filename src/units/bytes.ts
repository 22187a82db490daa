/**
 * Byte sizes as Docker reads and prints them (docker/go-units size.go).
 *
 * Reading: `--memory 6m`, `--shm-size 1.5g` go through RAMInBytes (binary
 * multiples, "b"/"ib" suffix optional, case-insensitive); FromHumanSize is the
 * decimal twin. Printing: HumanSize (decimal, 4 significant digits) for
 * `system df` and prune totals, HumanSizeWithPrecision(n, 3) for the SIZE
 * columns of `images`/`ps -s`, BytesSize (binary) for `stats` memory.
 */
import { InvalidArgumentError } from '../errors.js';
import { formatFloat, parseGoFloat } from './go-strconv.js';

export const KB = 1000;
export const MB = 1000 * KB;
export const GB = 1000 * MB;
export const TB = 1000 * GB;
export const PB = 1000 * TB;
export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;
export const PiB = 1024 * TiB;

const DECIMAL_MAP: Record<string, number> = { k: KB, m: MB, g: GB, t: TB, p: PB };
const BINARY_MAP: Record<string, number> = { k: KiB, m: MiB, g: GiB, t: TiB, p: PiB };
const DECIMAL_ABBRS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_ABBRS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** Go's int64(f) for the values that matter: truncation, and no negative zero. */
function toInt(v: number): number {
  return Math.trunc(v) + 0;
}

function parseSize(sizeStr: string, unitMap: Record<string, number>): number {
  let num: string;
  let sfx: string;
  const space = sizeStr.indexOf(' ');
  if (space >= 0) {
    num = sizeStr.slice(0, space);
    sfx = sizeStr.slice(space + 1);
  } else {
    let sep = -1;
    for (let i = sizeStr.length - 1; i >= 0; i--) {
      if ('0123456789.'.includes(sizeStr[i]!)) {
        sep = i;
        break;
      }
    }
    if (sep === -1) throw new InvalidArgumentError(`invalid size: '${sizeStr}'`);
    num = sizeStr.slice(0, sep + 1);
    sfx = sizeStr.slice(sep + 1);
  }
  let size: number;
  try {
    size = parseGoFloat(num);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message, { cause: err });
  }
  if (size < 0) throw new InvalidArgumentError(`invalid size: '${sizeStr}'`);
  if (sfx.length === 0) return toInt(size);

  const badSuffix = (s: string) => new InvalidArgumentError(`invalid suffix: '${s}'`);
  if (sfx.length > 3) throw badSuffix(sfx);
  sfx = sfx.toLowerCase();
  if (sfx[0] === 'b') {
    if (sfx.length > 1) throw badSuffix(sfx);
    return toInt(size);
  }
  const mul = unitMap[sfx[0]!];
  if (mul === undefined) throw badSuffix(sfx);
  if ((sfx.length === 2 && sfx[1] !== 'b') || (sfx.length === 3 && sfx.slice(1) !== 'ib')) {
    throw badSuffix(sfx);
  }
  return toInt(size * mul);
}

/**
 * go-units RAMInBytes: "12" → 12, "6m" → 6 MiB, "1.5g", "100KB", "1GiB" (all
 * binary). Errors keep go-units' wording: "invalid size: 'x'" when there is no
 * number, "invalid suffix: 'qq'" for a bad unit, strconv's text for a bad number.
 */
export function parseBytes(s: string): number {
  return parseSize(s, BINARY_MAP);
}

/** go-units FromHumanSize: like parseBytes but decimal ("1k" = 1000). */
export function fromHumanSize(s: string): number {
  return parseSize(s, DECIMAL_MAP);
}

function sizeAndUnit(size: number, base: number, abbrs: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < abbrs.length - 1) {
    size /= base;
    i++;
  }
  return [size, abbrs[i]!];
}

/** go-units HumanSizeWithPrecision: decimal units, `%.<precision>g` ("4.26MB", "1e+03MB"). */
export function humanSizeWithPrecision(n: number, precision: number): string {
  const [size, unit] = sizeAndUnit(n, 1000, DECIMAL_ABBRS);
  return formatFloat(size, 'g', precision) + unit;
}

/** go-units HumanSize: decimal, 4 significant digits ("1.049MB", "4.1kB", "0B"). */
export function humanSize(n: number): string {
  return humanSizeWithPrecision(n, 4);
}

/** go-units BytesSize: binary, 4 significant digits ("1.5MiB", "3.42GiB"). */
export function bytesSize(n: number): string {
  const [size, unit] = sizeAndUnit(n, 1024, BINARY_ABBRS);
  return formatFloat(size, 'g', 4) + unit;
}
