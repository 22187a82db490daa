/**
 * `berth search [--limit N] [-f FILTER] [--no-trunc] [--format F] TERM`:
 * search a registry through the daemon (GET /images/search), printed as
 * docker 28 prints it:
 *
 *   NAME         DESCRIPTION                                     STARS     OFFICIAL
 *   busybox      Busybox base image.                             3412      [OK]
 *
 * Descriptions are cut to 45 characters ("…") unless --no-trunc. The term
 * picks the registry and so the credentials sent: "busybox" searches Docker
 * Hub, "127.0.0.1:5000/app" that registry. A registry that offers no search
 * is the daemon's error to word.
 *
 * SearchContext is one row as a --format template sees it (docker/cli
 * command/registry/formatter_search.go): Name, Description, StarCount,
 * IsOfficial — docker 28 no longer has IsAutomated.
 */
import { goJsonStringify } from '../../../units/go-json.js';
import type { BerthCli } from '../../cli-context.js';
import type { Filters, ImageSearchResult } from '../../client/types.js';
import { authConfigKey, searchIndexName } from '../../config/auth-config.js';
import { loadConfigFile, withLoginRetry } from '../../config/registry-credentials.js';
import { renderTable } from '../../formatter/table.js';
import { ellipsis } from '../../formatter/text.js';
import { BerthCommand, exactArgs } from '../command.js';
import { filterOption, intOption } from '../flags.js';

export const DEFAULT_SEARCH_TABLE_FORMAT = 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}';

export const SEARCH_HEADERS: Readonly<Record<string, string>> = {
  Name: 'NAME',
  Description: 'DESCRIPTION',
  StarCount: 'STARS',
  IsOfficial: 'OFFICIAL',
  IsAutomated: 'AUTOMATED',
};

/** One search result for --format templates. */
export class SearchContext {
  readonly #r: ImageSearchResult;
  readonly #trunc: boolean;

  constructor(r: ImageSearchResult, trunc: boolean) {
    this.#r = r;
    this.#trunc = trunc;
  }

  get Name(): string {
    return this.#r.name;
  }

  /** On one line; at most 45 characters unless --no-trunc. */
  get Description(): string {
    const desc = (this.#r.description ?? '').replace(/\n/g, ' ').replace(/\r/g, ' ');
    return this.#trunc ? ellipsis(desc, 45) : desc;
  }

  get StarCount(): string {
    return String(this.#r.star_count ?? 0);
  }

  get IsOfficial(): string {
    return this.#r.is_official === true ? '[OK]' : '';
  }

  /** `{{json .}}`, as docker's MarshalJSON writes it: sorted keys, IsOfficial as "true"/"false". */
  marshalGoJSON(): string {
    return goJsonStringify(
      new Map<string, string>([
        ['Description', this.Description],
        ['IsOfficial', String(this.#r.is_official === true)],
        ['Name', this.Name],
        ['StarCount', this.StarCount],
      ]),
    );
  }
}
// Template errors name the type as docker's do: "can't evaluate field X in type *registry.searchContext".
Object.defineProperty(SearchContext, 'name', { value: 'registry.searchContext' });

export interface SearchOptions {
  term: string;
  limit: number;
  filters: Filters;
  noTrunc: boolean;
  format: string;
}

interface Flags {
  trunc?: boolean;
  filter?: Filters;
  limit?: number;
  format?: string;
}

export function newSearchCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('search')
    .use('search [OPTIONS] TERM')
    .description('Search Docker Hub for images')
    .option('--no-trunc', "Don't truncate output")
    .addOption(filterOption())
    .addOption(intOption('--limit <int>', 'Max number of search results', 0))
    .option('--format <string>', 'Pretty-print search using a Go template')
    .run<Flags>(exactArgs(1), ([term], f) =>
      runSearch(cli, { term: term!, limit: f.limit ?? 0, filters: f.filter ?? {}, noTrunc: f.trunc === false, format: f.format ?? '' }),
    );
}

export async function runSearch(cli: BerthCli, o: SearchOptions): Promise<void> {
  if (o.filters['is-automated'] !== undefined) {
    cli.eprintln('WARNING: the "is-automated" filter is deprecated, and searching for "is-automated=true" will not yield any results in future.');
  }
  const config = await loadConfigFile(cli);
  const results = await withLoginRetry(cli, config, authConfigKey(searchIndexName(o.term)), 'search', (registryAuth) =>
    cli.client.images.search(o.term, { limit: o.limit, filters: o.filters, registryAuth }),
  );
  const format = o.format === '' || o.format === 'table' ? DEFAULT_SEARCH_TABLE_FORMAT : o.format;
  const rows = results.map((r) => new SearchContext(r, !o.noTrunc));
  cli.out.write(renderTable(format, rows, SEARCH_HEADERS));
}
