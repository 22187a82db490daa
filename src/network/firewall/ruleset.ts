/**
 * Reading iptables-save output and writing iptables-restore scripts.
 *
 * The firewall decides what to add or delete by comparing the rule texts it
 * builds with the texts iptables-save prints, so every rule Berth installs is
 * written in iptables-save's own canonical form (`-s 10.0.0.0/24`, `-p tcp -m
 * tcp --dport 80`, …): the same text is used to add a rule, to find it, and
 * to delete it, and deleting never misses a rule or hits a stranger's.
 */
import type { IptablesTable } from '../../host/iptables-tool.js';
import type { Rule } from './chains.js';

/** One table as iptables-save printed it. */
export class TableState {
  readonly chains = new Set<string>();
  /** chain → rule specs in order (the text after `-A CHAIN `). */
  readonly #rules = new Map<string, string[]>();

  static parse(saved: string): TableState {
    const t = new TableState();
    for (const line of saved.split('\n')) {
      if (line.startsWith(':')) {
        t.chains.add(line.slice(1).split(' ')[0]!);
      } else if (line.startsWith('-A ')) {
        const rest = line.slice(3);
        const sp = rest.indexOf(' ');
        const chain = sp < 0 ? rest : rest.slice(0, sp);
        const spec = sp < 0 ? '' : rest.slice(sp + 1);
        const list = t.#rules.get(chain) ?? [];
        list.push(spec);
        t.#rules.set(chain, list);
      }
    }
    return t;
  }

  rules(chain: string): readonly string[] {
    return this.#rules.get(chain) ?? [];
  }

  has(chain: string, spec: string): boolean {
    return this.rules(chain).includes(spec);
  }

  /** How many times this exact rule is in the chain. */
  count(chain: string, spec: string): number {
    return this.rules(chain).filter((s) => s === spec).length;
  }
}

/** The saved state of the two tables the firewall uses. */
export type Tables = Record<IptablesTable, TableState>;

/** The whitespace-separated words of a rule spec (Berth's rules never quote). */
export function words(spec: string): string[] {
  return spec.split(' ').filter((w) => w !== '');
}

/** True when the spec names `iface` as its in (-i) or out (-o) interface, negated or not. */
export function mentionsInterface(spec: string, iface: string): boolean {
  const w = words(spec);
  for (let i = 0; i < w.length - 1; i++) {
    if ((w[i] === '-i' || w[i] === '-o') && w[i + 1] === iface) return true;
  }
  return false;
}

/** The value after an option in a spec (`--to-destination` → '10.0.0.2:80'). */
export function optionValue(spec: string, option: string): string | undefined {
  const w = words(spec);
  const i = w.indexOf(option);
  return i >= 0 ? w[i + 1] : undefined;
}

/**
 * An iptables-restore script under construction: lines grouped per table,
 * each table a `*table … COMMIT` block, in the order the lines were added.
 */
export class RestoreScript {
  readonly #lines: Record<IptablesTable, string[]> = { filter: [], nat: [] };

  get empty(): boolean {
    return this.#lines.filter.length === 0 && this.#lines.nat.length === 0;
  }

  declareChain(table: IptablesTable, chain: string): this {
    this.#lines[table].push(`:${chain} - [0:0]`);
    return this;
  }

  append(r: Rule): this {
    this.#lines[r.table].push(`-A ${r.chain} ${r.spec}`);
    return this;
  }

  /** Inserts at `position` (1 = top). */
  insert(r: Rule, position = 1): this {
    this.#lines[r.table].push(`-I ${r.chain} ${position} ${r.spec}`);
    return this;
  }

  delete(r: Rule): this {
    this.#lines[r.table].push(`-D ${r.chain} ${r.spec}`);
    return this;
  }

  flushChain(table: IptablesTable, chain: string): this {
    this.#lines[table].push(`-F ${chain}`);
    return this;
  }

  deleteChain(table: IptablesTable, chain: string): this {
    this.#lines[table].push(`-X ${chain}`);
    return this;
  }

  toString(): string {
    let out = '';
    // nat first: a filter rule never refers to a nat chain, and the order
    // only matters for reading the script in an error message.
    for (const table of ['nat', 'filter'] as const) {
      if (this.#lines[table].length === 0) continue;
      out += `*${table}\n${this.#lines[table].join('\n')}\nCOMMIT\n`;
    }
    return out;
  }
}
