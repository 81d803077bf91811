import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Deps } from '../deps';
import type { Principal } from '../domain/access';
import { canExport } from '../domain/access';
import { ForbiddenError } from '../domain/errors';
import type { ExportQuery } from '../schemas/staff';
import { getItemAttribute } from '../data/item-attributes';
import { requireDirectory } from './directory';
import { allForPrincipal } from './item-lists';
import { isOverdue } from './views';

export const exportColumns = [
  'trackingCode',
  'createdAt',
  'phase',
  'kind',
  'unit',
  'group',
  'status',
  'dueAt',
  'overdue',
  'firstReplyAt',
  'closedAt',
  'satisfaction',
  'title',
  // Added with training sessions, at the end: a machine reading columns by position keeps working.
  'sessionCode',
  'source',
  'answeredOnSpot',
  // Added with the three rates: the rating's "was it resolved?" (yes, partly, no).
  'resolved',
] as const;

/**
 * A spreadsheet treats a cell starting with = + - @ (or a tab or carriage return before them) as
 * a formula; such a cell is prefixed with an apostrophe so it is shown as the text it is.
 */
export const defuse = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/**
 * Records as CSV text, by csv-stringify: RFC 4180 quoting (a field holding a comma, a quote or a
 * line break is quoted, quotes doubled; a lone CR is quoted too), CRLF line ends as Excel expects,
 * every string cell through `defuse`. The first chunk of an export carries the UTF-8 BOM (without
 * it Excel reads the file in the local code page and garbles Chinese) and the header.
 */
export const csvText = (records: readonly (readonly string[])[], options: { first: boolean }): string =>
  stringify(records as string[][], {
    bom: options.first,
    header: options.first,
    columns: [...exportColumns],
    record_delimiter: 'windows',
    quoted_match: /[\r\n]/,
    cast: { string: defuse },
  });

/**
 * The export as a stream of CSV (see `csvText`): items are read page by page while the client
 * downloads, so memory stays one page deep however many items there are.
 */
export const exportCsv = async (deps: Deps, principal: Principal, query: ExportQuery): Promise<Readable> => {
  if (!canExport(principal)) throw new ForbiddenError('Only the office and leaders export.');
  const pages = allForPrincipal(deps, principal, query);
  // The first page does not need the directory (only the names in its cells do): both reads go
  // out at once. A failed page read surfaces where the page is awaited, below, not as unhandled.
  const firstPage = pages.next();
  firstPage.catch(() => undefined);
  const directory = await requireDirectory(deps);
  const unitNames = new Map(directory.units.map((u) => [u.id, u.name]));
  const groupNames = new Map(directory.groups.map((g) => [g.id, g.name]));
  const now = deps.clock.now();
  async function* csv() {
    // The BOM and the header leave with the first page (there is always one, maybe empty), and
    // each page leaves as one chunk: one write per page of up to a hundred items, not one per item.
    let first = true;
    for (let page = await firstPage; !page.done; page = await pages.next()) {
      const rows = page.value;
      // Not in the list rows (the indexes cannot project more): read for the rated rows only.
      const resolved = await getItemAttribute(deps, rows.filter((row) => row.satisfaction).map((row) => row.trackingCode), 'resolved');
      const records: string[][] = [];
      for (const row of rows) {
        // Keyed by column, so the cells follow exportColumns whatever its order.
        const cells: Record<(typeof exportColumns)[number], string> = {
          trackingCode: row.trackingCode,
          createdAt: row.createdAt,
          phase: row.phase,
          kind: row.kind,
          unit: row.unitId ? (unitNames.get(row.unitId) ?? row.unitId) : '',
          group: row.groupId ? (groupNames.get(row.groupId) ?? row.groupId) : '',
          status: row.status,
          dueAt: row.dueAt ?? '',
          overdue: isOverdue(row, now) ? 'true' : 'false',
          firstReplyAt: row.firstReplyAt ?? '',
          closedAt: row.closedAt ?? '',
          satisfaction: row.satisfaction ?? '',
          title: row.title,
          sessionCode: row.sessionCode ?? '',
          source: row.source,
          answeredOnSpot: row.answeredOnSpot ? 'true' : 'false',
          resolved: resolved.get(row.trackingCode) ?? '',
        };
        records.push(exportColumns.map((column) => cells[column]));
      }
      yield csvText(records, { first });
      first = false;
    }
  }
  // Bytes, not objects, like any HTTP body. A failure while reading (say, a throttled page)
  // throws inside the generator, which destroys the stream: the download ends instead of hanging.
  return Readable.from(csv(), { objectMode: false });
};
