import type { Readable } from 'node:stream';
import type { Deps } from '../deps';
import { getItemAttributes, getPublicReplies, type ItemWithFirstEvent } from '../data/item-attributes';
import type { SummaryRow } from '../data/lists';
import { canExport, type Principal } from '../domain/access';
import { localDate, wallClockAsUtc } from '../domain/calendar';
import { ForbiddenError } from '../domain/errors';
import { isRectificationOverdue } from '../domain/rectification';
import { extensionStatusLabels, rectificationStatusLabels, resolvedLabels, satisfactionLabels, sourceLabels, statusLabels } from '../domain/labels';
import { kinds, type Directory } from '../schemas/directory';
import type { ExportQuery } from '../schemas/staff';
import { groupName, requireDirectory } from './directory';
import { allForPrincipal, startedPages } from './item-lists';
import { isOverdue } from './views';
import type { XlsxColumn } from './xlsx-writer';

/**
 * GET /api/exports/items.xlsx: the items a query matches (the filters of GET /api/items, in its
 * order), one row each, for people: Chinese headers and labels, times in the directory's timezone,
 * the texts and the outcome. The columns are listed in docs/api.md "Exports for people".
 */

/** What one row is made of: the list row, what the item record adds, its public replies. */
export interface ExportRow {
  readonly row: SummaryRow;
  readonly record: Partial<Pick<ItemWithFirstEvent, (typeof recordAttributes)[number]>>;
  readonly replies: readonly { at: string; body: string }[];
  readonly overdue: boolean;
  /** The export's instant. */
  readonly now: Date;
}

/** Read beside each page of list rows (the list indexes do not project them). */
const recordAttributes = ['body', 'rating', 'resolved', 'extension', 'firstEvent', 'rectification'] as const;

/** How many items' replies are read at once. */
const replyReadsInFlight = 8;

const yesNo = (value: boolean) => (value ? '是' : '否');

/** A local time as text inside a cell ('2026-12-05 06:50'), for times within longer text. */
const localMinute = (iso: string, timezone: string) => wallClockAsUtc(Date.parse(iso), timezone).toISOString().slice(0, 16).replace('T', ' ');

const extensionText = (extension: ExportRow['record']['extension']): string => {
  if (!extension) return '';
  return `${extensionStatusLabels[extension.status][0]}：${extension.workingDays} 个工作日（${extension.reason}）`;
};

/** The rectification's status, and whether its deadline has passed with work still owed. */
const rectificationText = (rectification: ExportRow['record']['rectification'], now: Date): string => {
  if (!rectification) return '';
  return `${rectificationStatusLabels[rectification.status][0]}${isRectificationOverdue(rectification, now) ? '（逾期）' : ''}`;
};

export const itemColumns = (directory: Directory): XlsxColumn<ExportRow>[] => {
  const timezone = directory.campaign.timezone;
  const unitNames = new Map(directory.units.map((u) => [u.id, u.name]));
  const phaseNames = new Map(directory.campaign.phases.map((p) => [p.id, p.name]));
  const kindNames = new Map(kinds.map((k) => [k.id, k.name]));
  return [
    { header: '跟踪码', width: 16, value: ({ row }) => row.trackingCode },
    { header: '提交时间', width: 17, format: 'dateTime', value: ({ row }) => row.createdAt },
    { header: '阶段', width: 10, value: ({ row }) => phaseNames.get(row.phase) ?? row.phase },
    { header: '类型', width: 10, value: ({ row }) => kindNames.get(row.kind) ?? row.kind },
    { header: '来源', width: 13, value: ({ row }) => sourceLabels[row.source][0] },
    { header: '培训场次', width: 15, value: ({ row }) => row.sessionCode },
    { header: '单位', width: 16, value: ({ row }) => (row.unitId ? (unitNames.get(row.unitId) ?? row.unitId) : '') },
    { header: '承办', width: 14, value: ({ row }) => groupName(directory, row.groupId) },
    { header: '状态', width: 10, value: ({ row }) => statusLabels[row.status][0] },
    { header: '标题', width: 30, format: 'longText', value: ({ row }) => row.title },
    { header: '内容', width: 60, format: 'longText', value: ({ record }) => record.body },
    { header: '办理期限', width: 17, format: 'dateTime', value: ({ row }) => row.dueAt },
    { header: '是否超期', width: 9, value: ({ overdue }) => yesNo(overdue) },
    { header: '延期', width: 26, format: 'longText', value: ({ record }) => extensionText(record.extension) },
    { header: '催办时间', width: 17, format: 'dateTime', value: ({ row }) => row.urgedAt },
    { header: '首次答复时间', width: 17, format: 'dateTime', value: ({ row }) => row.firstReplyAt },
    { header: '公开答复', width: 60, format: 'longText', value: ({ replies }) => replies.map((r) => `【${localMinute(r.at, timezone)}】${r.body}`).join('\n\n') },
    { header: '现场答复', width: 9, value: ({ row }) => yesNo(row.answeredOnSpot) },
    { header: '办结时间', width: 17, format: 'dateTime', value: ({ row }) => row.closedAt },
    { header: '评价', width: 10, value: ({ row }) => (row.satisfaction ? satisfactionLabels[row.satisfaction][0] : '') },
    { header: '问题是否解决', width: 12, value: ({ record }) => (record.resolved ? resolvedLabels[record.resolved][0] : '') },
    { header: '培训评分', width: 9, format: 'number', value: ({ record }) => record.rating },
    { header: '整改状态', width: 14, value: ({ record, now }) => rectificationText(record.rectification, now) },
  ];
};

/** `fn` over `items`, at most `limit` at a time, results in order. */
export const mapLimited = async <T, U>(items: readonly T[], limit: number, fn: (item: T) => Promise<U>): Promise<U[]> => {
  const results: U[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    }),
  );
  return results;
};

/** What `recordAttributes` a row of an index that projects every attribute (gsi8) holds itself. */
const ownRecords = (rows: readonly SummaryRow[]): Map<string, ExportRow['record']> =>
  new Map(rows.map((row) => [row.trackingCode, Object.fromEntries(recordAttributes.flatMap((name) => (name in row ? [[name, (row as Record<string, unknown>)[name]]] : [])))]));

/**
 * A page of list rows made whole: the item records (one BatchGet per 100, DynamoDB's most; none
 * for a session's rows, which gsi8 reads whole, the first event kept: `whole`) and the public
 * replies of the items that have any (the first kept on the item, the later ones one Query per
 * item). The list row alone says which items need that Query, so the Queries go out beside the
 * BatchGet, not after it.
 */
const completePage = async (deps: Deps, rows: readonly SummaryRow[], now: Date, whole: boolean): Promise<ExportRow[]> => {
  const [records, laterReplies] = await Promise.all([
    whole ? ownRecords(rows) : getItemAttributes(deps, rows.map((r) => r.trackingCode), recordAttributes),
    mapLimited(rows, replyReadsInFlight, async (row) => (row.firstReplyAt && row.version > 1 ? getPublicReplies(deps, row.trackingCode) : [])),
  ]);
  return rows.map((row, i) => {
    const record = records.get(row.trackingCode);
    const first = record?.firstEvent;
    const own = row.firstReplyAt && first?.reply?.visibility === 'public' ? [{ at: first.at, body: first.reply.body }] : [];
    return { row, record: record ?? {}, replies: [...own, ...laterReplies[i]], overdue: isOverdue(row, now), now };
  });
};

/**
 * The spreadsheet writer (and the zip under it), a module of its own that a cold start loads while
 * its first reads are in flight: it compiles during the wait instead of before the first
 * request. Shared with the ledger (export-rectifications.ts).
 */
export const loadXlsxWriter = () => {
  const loading = import('./xlsx-writer');
  loading.catch(() => undefined);
  return loading;
};

/** The workbook as a stream, and the name to save it under (the local day of the export). */
export const exportXlsx = async (deps: Deps, principal: Principal, query: ExportQuery): Promise<{ body: Readable; fileName: string }> => {
  if (!canExport(principal)) throw new ForbiddenError('Only the office and leaders export.');
  const writer = loadXlsxWriter();
  // A session's rows come from gsi8, which projects every attribute: they hold the record's.
  const whole = query.sessionCode !== undefined;
  const rows = startedPages(allForPrincipal(deps, principal, query, { withFirstEvent: whole }));
  const directory = await requireDirectory(deps);
  const now = deps.clock.now();
  const timezone = directory.campaign.timezone;
  async function* pages() {
    for await (const page of rows) yield await completePage(deps, page, now, whole);
  }
  return {
    body: (await writer).xlsxStream({ sheetName: '事项', columns: itemColumns(directory), timezone, pages: pages() }),
    fileName: `yijian-items-${localDate(now, timezone)}.xlsx`,
  };
};
