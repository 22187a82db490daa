/**
 * The two spellings of "deleted in this layer", and the conversion between them.
 *
 * OCI layer tars (the AUFS convention): an empty file `.wh.<name>` deletes
 * <name> from the layers below; `.wh..wh..opq` inside a directory hides
 * everything the layers below had in it. Other `.wh..wh.*` names are AUFS
 * bookkeeping and are skipped.
 *
 * Overlayfs directories: a character device 0:0 named <name> is the
 * whiteout; a directory with xattr trusted.overlay.opaque=y is opaque.
 *
 * Extraction turns the first into the second ('overlay'), pack turns the
 * second back ('overlay-to-oci'), and changes.ts reads the overlay form.
 */
import type { Stats } from 'node:fs';

export const WHITEOUT_PREFIX = '.wh.';
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
export const OPAQUE_XATTR = 'trusted.overlay.opaque';
/** Xattrs overlayfs keeps for itself; never copied into or out of a tar. */
export const OVERLAY_XATTR_PREFIX = 'trusted.overlay.';

/** An overlay whiteout: a character device with device number 0:0. */
export function isWhiteoutDevice(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

export function isOpaqueValue(v: Buffer | undefined): boolean {
  return v !== undefined && v.length === 1 && v[0] === 0x79; // "y"
}

export type WhiteoutName =
  | { kind: 'none' }
  | { kind: 'opaque' }
  | { kind: 'meta' }
  | { kind: 'whiteout'; target: string };

/** What a base name means under the OCI convention. */
export function parseWhiteoutName(base: string): WhiteoutName {
  if (!base.startsWith(WHITEOUT_PREFIX)) return { kind: 'none' };
  if (base === OPAQUE_MARKER) return { kind: 'opaque' };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: 'meta' };
  return { kind: 'whiteout', target: base.slice(WHITEOUT_PREFIX.length) };
}
