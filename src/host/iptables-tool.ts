/**
 * Debian's iptables (1.8.9, nf_tables backend): the only place Berth runs
 * `iptables`, `iptables-save` and `iptables-restore`.
 *
 * Callers change many rules at once through `restore`: one
 * `iptables-restore --noflush` process applies a whole script as a single
 * nf_tables transaction, so a container's rules appear (or vanish) together
 * and the cost is one process, not one per rule. The script goes through a
 * private temporary file rather than stdin for the reason ip-tool.ts gives:
 * the daemon's resident spawner cannot feed stdin, and a command with stdin
 * falls back to forking berthd itself.
 *
 * `-w` waits for the xtables lock; the nft backend does not need it but
 * accepts it, and a host whose alternatives point at iptables-legacy does.
 *
 * With `netnsFile`, every command runs inside that network namespace
 * (`nsenter --net=FILE`, which execs the tool: no extra fork). Tests use it so
 * the host's own tables are never touched.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTool, ToolError } from './exec-tool.js';

export const IPTABLES = '/usr/sbin/iptables';
export const IPTABLES_SAVE = '/usr/sbin/iptables-save';
export const IPTABLES_RESTORE = '/usr/sbin/iptables-restore';
const NSENTER = '/usr/bin/nsenter';

export type IptablesTable = 'filter' | 'nat';

export interface IptablesToolOptions {
  /** Run every command inside the network namespace bound at this file. */
  netnsFile?: string;
}

export class IptablesTool {
  readonly #netnsFile: string | undefined;

  constructor(opts: IptablesToolOptions = {}) {
    this.#netnsFile = opts.netnsFile;
  }

  /** `iptables-save -t TABLE`: the table's chains and rules in iptables-restore syntax. */
  save(table: IptablesTable): Promise<string> {
    return this.#run(IPTABLES_SAVE, ['-t', table]);
  }

  /**
   * Applies an iptables-restore script (`*table` … `COMMIT` blocks) without
   * flushing what is already there. All of a table's lines commit together
   * or not at all. Never declare (`:CHAIN - [0:0]`) a chain that exists: with
   * --noflush the nft backend flushes a declared chain.
   */
  async restore(script: string): Promise<void> {
    if (script.trim() === '') return;
    const file = path.join(tmpdir(), `berth-iptables-${process.pid}-${randomBytes(6).toString('hex')}.rules`);
    // 'wx' = O_EXCL: never follow a symlink someone planted in the shared tmp dir.
    await fs.writeFile(file, script.endsWith('\n') ? script : script + '\n', { flag: 'wx', mode: 0o600 });
    try {
      await this.#run(IPTABLES_RESTORE, ['-w', '--noflush', file]);
    } catch (err) {
      throw new Error(`iptables-restore: ${err instanceof ToolError ? err.stderr.trim() : String(err)}\n${script}`, { cause: err });
    } finally {
      await fs.unlink(file).catch(() => {});
    }
  }

  /** `iptables -w ARGS…` (e.g. ['-t', 'nat', '-S']); returns stdout. */
  run(args: readonly string[]): Promise<string> {
    return this.#run(IPTABLES, ['-w', ...args]);
  }

  #run(tool: string, args: readonly string[]): Promise<string> {
    if (this.#netnsFile === undefined) return runTool(tool, args);
    return runTool(NSENTER, [`--net=${this.#netnsFile}`, '--', tool, ...args]);
  }
}
