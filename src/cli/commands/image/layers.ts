/**
 * `berth image layers [--files] [--no-trunc] [--format TEMPLATE] IMAGE`:
 * each layer of an image, oldest first, with the instruction that made it,
 * its size and how many files it added, changed and deleted (Berth's
 * build-cache explainer; Docker has no such command).
 *
 *   LAYER          SIZE      ADDED     CHANGED   DELETED   CREATED BY
 *   9b1b5e2c2c7d   2.16MB    412       0         0         berth image bootstrap busybox (BusyBox v1.35.0…
 *   <metadata>     0B        0         0         0         CMD ["sh"]
 *
 * --files lists each layer's files under its row, "A ", "C " or "D " and the
 * path, in path order: the lines `docker diff` prints, so they grep the same.
 * They are added after the table is aligned, so they never widen a column.
 *
 * The LayerContext (what --format templates see) lives here rather than in
 * src/cli/formatter/ because this verb is its only user.
 */
import { InvalidArgumentError } from '../../../errors.js';
import type { LayerReport } from '../../../images/layer-files.js';
import { humanSizeWithPrecision } from '../../../units/bytes.js';
import type { BerthCli } from '../../cli-context.js';
import { parseDaemonHost, Transport } from '../../client/transport.js';
import { renderTable, isTableFormat } from '../../formatter/table.js';
import { ellipsis, truncateId } from '../../formatter/text.js';
import { goJsonStringify } from '../../../units/go-json.js';
import { BerthCommand, exactArgs } from '../command.js';

export interface LayersOptions {
  image: string;
  files: boolean;
  noTrunc: boolean;
  format: string;
}

export const DEFAULT_LAYERS_TABLE_FORMAT = 'table {{.Layer}}\t{{.Size}}\t{{.Added}}\t{{.Changed}}\t{{.Deleted}}\t{{.CreatedBy}}';

export const LAYERS_HEADERS: Readonly<Record<string, string>> = {
  Layer: 'LAYER',
  DiffID: 'DIFF ID',
  ChainID: 'CHAIN ID',
  Size: 'SIZE',
  Added: 'ADDED',
  Changed: 'CHANGED',
  Deleted: 'DELETED',
  CreatedBy: 'CREATED BY',
  CreatedAt: 'CREATED AT',
  Comment: 'COMMENT',
};

export function newLayersCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('layers')
    .use('layers [OPTIONS] IMAGE')
    .description('Show the files each layer of an image added, changed and deleted')
    .option('--files', 'List the files of each layer under its row')
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', "Don't truncate output")
    .run<{ files?: boolean; format?: string; trunc?: boolean }>(exactArgs(1), ([image], f) =>
      runLayers(cli, { image: image!, files: f.files === true, noTrunc: f.trunc === false, format: f.format ?? '' }),
    );
}

export async function runLayers(cli: BerthCli, o: LayersOptions): Promise<void> {
  cli.out.write(renderLayers(await fetchLayers(cli.host, o.image), o));
}

/**
 * GET /berth/images/{name}/layers. The typed client (src/cli/client/) has no
 * Berth-extension call for it yet, so this uses a Transport of its own on
 * the same host; the route is unversioned, like bootstrap, so no ping.
 */
async function fetchLayers(host: string, image: string): Promise<LayerReport[]> {
  const t = new Transport(parseDaemonHost(host));
  try {
    return (await t.json<LayerReport[] | null>({ method: 'GET', path: `/berth/images/${encodeURIComponent(image)}/layers`, versioned: false })) ?? [];
  } finally {
    t.close();
  }
}

/** The table (or template output), with each layer's files under its row when o.files. */
export function renderLayers(reports: readonly LayerReport[], o: Pick<LayersOptions, 'files' | 'noTrunc' | 'format'>): string {
  const format = o.format === '' || o.format === 'table' ? DEFAULT_LAYERS_TABLE_FORMAT : o.format;
  const rows = reports.map((r) => new LayerContext(r, !o.noTrunc));
  if (!o.files) return renderTable(format, rows, LAYERS_HEADERS);
  if (!isTableFormat(format)) {
    return rows.map((row, i) => renderTable(format, [row], LAYERS_HEADERS) + fileLines(reports[i]!)).join('');
  }
  // Align the whole table first, then slot the file lines in after each row's line.
  const lines = renderTable(format, rows, LAYERS_HEADERS).split('\n');
  // The header, one line per row, and "" after the final newline.
  if (lines.length !== rows.length + 2) throw new InvalidArgumentError('--files needs a table format that prints one line per layer');
  let out = lines[0] + '\n';
  for (let i = 0; i < rows.length; i++) out += lines[i + 1] + '\n' + fileLines(reports[i]!);
  return out;
}

/** "A /path", "C /path", "D /path" lines, in path order. */
export function fileLines(r: LayerReport): string {
  const all = [
    ...r.added.map((p) => ['A', p] as const),
    ...r.changed.map((p) => ['C', p] as const),
    ...r.deleted.map((p) => ['D', p] as const),
  ].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return all.map(([k, p]) => `${k} ${p}\n`).join('');
}

/** One layer as a --format template sees it. */
export class LayerContext {
  readonly #r: LayerReport;
  readonly #trunc: boolean;

  constructor(r: LayerReport, trunc: boolean) {
    this.#r = r;
    this.#trunc = trunc;
  }

  /** The short diff ID; "<metadata>" for an instruction that made no layer, "<missing>" for a layer the history names but the image lacks. */
  get Layer(): string {
    if (this.#r.emptyLayer) return '<metadata>';
    if (this.#r.diffId === undefined) return '<missing>';
    return this.#trunc ? truncateId(this.#r.diffId) : this.#r.diffId;
  }

  get DiffID(): string {
    return this.#r.diffId ?? '';
  }

  get ChainID(): string {
    return this.#r.chainId ?? '';
  }

  get Size(): string {
    return humanSizeWithPrecision(this.#r.size, 3);
  }

  get Added(): number {
    return this.#r.added.length;
  }

  get Changed(): number {
    return this.#r.changed.length;
  }

  get Deleted(): number {
    return this.#r.deleted.length;
  }

  get CreatedBy(): string {
    const createdBy = this.#r.createdBy.replaceAll('\t', ' ');
    return this.#trunc ? ellipsis(createdBy, 45) : createdBy;
  }

  get CreatedAt(): string {
    return this.#r.created ?? '';
  }

  get Comment(): string {
    return this.#r.comment ?? '';
  }

  /** "A /etc/x"-style lines, for `{{range .Files}}`. */
  get Files(): string[] {
    return fileLines(this.#r).split('\n').filter((l) => l !== '');
  }

  toJSON(): Record<string, string | number> {
    return {
      Added: this.Added,
      ChainID: this.ChainID,
      Changed: this.Changed,
      Comment: this.Comment,
      CreatedAt: this.CreatedAt,
      CreatedBy: this.CreatedBy,
      Deleted: this.Deleted,
      DiffID: this.DiffID,
      Layer: this.Layer,
      Size: this.Size,
    };
  }

  /** As Go's json.Marshal writes it ("<metadata>" becomes "\u003cmetadata\u003e"). */
  marshalGoJSON(): string {
    return goJsonStringify(this.toJSON());
  }
}
