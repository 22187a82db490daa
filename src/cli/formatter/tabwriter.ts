/**
 * Elastic tabstops as Go's text/tabwriter lays them out, in docker/cli's fork
 * (which measures cells in terminal columns, so CJK and emoji count 2).
 *
 * Cells are tab-terminated: in "a\tb\tc\n" the cells a and b belong to
 * columns, c is trailing text. A column is a run of adjacent lines that all
 * have a cell in that position; its width is the widest cell plus padding (at
 * least minWidth). Every cell in a column is padded to that width, so a table
 * whose rows end with "\t" gets trailing spaces, as docker's does.
 */

export interface TabwriterOptions {
  /** Minimal cell width, padding included (docker: 10). */
  minWidth: number;
  /** Width of a tab when padChar is "\t" (docker: 1). */
  tabWidth: number;
  /** Added to the widest cell of a column (docker: 3). */
  padding: number;
  /** Padding character (docker: " "). */
  padChar: string;
  /** Pad on the left instead (Go's AlignRight flag). */
  alignRight?: boolean;
}

/** docker/cli's tabwriter.NewWriter(output, 10, 1, 3, ' ', 0). */
export const DOCKER_TABLE_OPTIONS: TabwriterOptions = { minWidth: 10, tabWidth: 1, padding: 3, padChar: ' ' };

interface Cell {
  text: string;
  width: number;
  htab: boolean;
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufe00-\ufe0f\ufeff]$/u;

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f680 && cp <= 0x1f6ff) || (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x1fa70 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x2fffd) || (cp >= 0x30000 && cp <= 0x3fffd)
  );
}

/** Terminal columns of a string (go-runewidth's StringWidth, non-CJK locale). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || ZERO_WIDTH.test(ch)) continue;
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

/** Splits text into lines of cells; "\f" also ends a section (a flush in Go). */
function splitSections(text: string): Cell[][][] {
  const sections: Cell[][][] = [];
  let lines: Cell[][] = [[]];
  let cell = '';
  const terminate = (htab: boolean) => {
    lines[lines.length - 1]!.push({ text: cell, width: displayWidth(cell), htab });
    cell = '';
  };
  for (const ch of text) {
    if (ch === '\t' || ch === '\v') terminate(ch === '\t');
    else if (ch === '\n' || ch === '\f') {
      terminate(false);
      lines.push([]);
      if (ch === '\f') {
        sections.push(lines);
        lines = [[]];
      }
    } else cell += ch;
  }
  if (cell !== '') terminate(false);
  sections.push(lines);
  return sections;
}

class Layout {
  out = '';
  #widths: number[] = [];

  constructor(private readonly lines: Cell[][], private readonly opts: TabwriterOptions) {}

  #padding(textWidth: number, cellWidth: number): string {
    const { padChar, tabWidth } = this.opts;
    if (padChar === '\t') {
      if (tabWidth === 0) return '';
      const rounded = Math.ceil(cellWidth / tabWidth) * tabWidth;
      return '\t'.repeat(Math.ceil((rounded - textWidth) / tabWidth));
    }
    return padChar.repeat(Math.max(0, cellWidth - textWidth));
  }

  #writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i]!;
      line.forEach((c, j) => {
        const pad = j < this.#widths.length ? this.#padding(c.width, this.#widths[j]!) : '';
        if (c.text === '') this.out += pad;
        else if (this.opts.alignRight && this.opts.padChar !== '\t') this.out += pad + c.text;
        else this.out += c.text + pad;
      });
      if (i + 1 < this.lines.length) this.out += '\n';
    }
  }

  /** Go's Writer.format: lay out columns left to right, a block of lines at a time. */
  format(line0: number, line1: number): void {
    const column = this.#widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= this.lines[row]!.length - 1) continue;
      // This line has a cell in this column: print the lines before it, then size the block.
      this.#writeLines(line0, row);
      line0 = row;
      let width = this.opts.minWidth;
      for (; row < line1; row++) {
        const line = this.lines[row]!;
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column]!.width + this.opts.padding);
      }
      this.#widths.push(width);
      this.format(line0, row);
      this.#widths.pop();
      line0 = row;
    }
    this.#writeLines(line0, line1);
  }
}

/** Aligns tab-separated text as Go's tabwriter (Write everything, then Flush) would. */
export function alignTabs(text: string, opts: TabwriterOptions = DOCKER_TABLE_OPTIONS): string {
  return splitSections(text)
    .map((lines) => {
      const layout = new Layout(lines, opts);
      layout.format(0, lines.length);
      return layout.out; // a section ended by "\f" already ends with its newline
    })
    .join('');
}
