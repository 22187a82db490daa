/**
 * Device nodes and fifos through coreutils `mknod` (Node has no mknod(2)).
 *
 * Used for the rare tar entries that are devices or fifos, and for overlay
 * whiteouts: a character device 0:0 that hides the same name in lower
 * layers. Callers creating many whiteouts make one with `makeWhiteout` and
 * hard-link the rest to it, so a layer costs one spawn, not one per file.
 */
import { runTool, ToolError } from './exec-tool.js';

export type NodeKind = 'char' | 'block' | 'fifo';

const TYPE_LETTER: Record<NodeKind, string> = { char: 'c', block: 'b', fifo: 'p' };

/** Creates a device node or fifo at path with exactly this mode (permission bits incl. setuid). */
export async function mknod(path: string, kind: NodeKind, mode: number, major = 0, minor = 0): Promise<void> {
  const args = ['-m', (mode & 0o7777).toString(8).padStart(4, '0'), path, TYPE_LETTER[kind]];
  if (kind !== 'fifo') args.push(String(major), String(minor));
  try {
    await runTool('mknod', args);
  } catch (err) {
    const stderr = err instanceof ToolError ? err.stderr : String(err);
    const code = /File exists/.test(stderr) ? 'EEXIST' : /No such file/.test(stderr) ? 'ENOENT' : undefined;
    throw Object.assign(new Error(`mknod ${path}: ${stderr.trim()}`, { cause: err }), code ? { code } : {});
  }
}

/** An overlay whiteout: character device 0:0, mode 0 (what the kernel itself creates). */
export function makeWhiteout(path: string): Promise<void> {
  return mknod(path, 'char', 0, 0, 0);
}
