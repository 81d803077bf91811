import type { Readable } from 'node:stream';
import type { Deps } from '../deps';
import { getItemWithEvents, type EventRecord, type ItemRecord } from '../data/items';
import { canExport, type Principal } from '../domain/access';
import { localDate, wallClockAsUtc } from '../domain/calendar';
import { ForbiddenError } from '../domain/errors';
import { rectificationStatusLabels } from '../domain/labels';
import type { Directory } from '../schemas/directory';
import type { LedgerRow } from '../schemas/rectification';
import { groupName, requireDirectory } from './directory';
import { loadXlsxWriter, mapLimited } from './export-xlsx';
import { startedPages } from './item-lists';
import { allLedgerRows, type LedgerCriteria } from './ledger';
import type { XlsxColumn } from './xlsx-writer';

/**
 * GET /api/exports/rectifications.xlsx: the ledger (整改台账) for people, one row per rectification
 * in the ledger's order (earliest deadline first), with the five points (the problem, the
 * responsible unit, the measures, the standard, the time limit), the status, the progress notes and
 * the verification; Chinese headers, dates in the directory's timezone. The filters of
 * GET /api/rectifications. Cost: the ledger's pages, and one Query per rectification for its item
 * and events (`itemReadsInFlight` at a time).
 */

interface LedgerSheetRow {
  readonly row: LedgerRow;
  readonly item: ItemRecord | undefined;
  readonly events: readonly EventRecord[];
}

const itemReadsInFlight = 8;

/** A local time as text inside a cell ('2026-12-05 06:50'). */
const localMinute = (iso: string, timezone: string) => wallClockAsUtc(Date.parse(iso), timezone).toISOString().slice(0, 16).replace('T', ' ');

export const ledgerColumns = (directory: Directory): XlsxColumn<LedgerSheetRow>[] => {
  const timezone = directory.campaign.timezone;
  const unitNames = new Map(directory.units.map((u) => [u.id, u.name]));
  return [
    { header: '跟踪码', width: 16, value: ({ row }) => row.trackingCode },
    { header: '问题', width: 30, format: 'longText', value: ({ row }) => row.title },
    { header: '问题描述', width: 50, format: 'longText', value: ({ item }) => item?.body },
    { header: '责任单位', width: 18, value: ({ row }) => unitNames.get(row.unitId) ?? row.unitId },
    { header: '督导组', width: 14, value: ({ row }) => groupName(directory, row.groupId) },
    { header: '整改措施', width: 50, format: 'longText', value: ({ item }) => item?.rectification?.measures },
    { header: '整改标准', width: 36, format: 'longText', value: ({ item }) => item?.rectification?.standard },
    { header: '整改时限', width: 12, format: 'date', value: ({ row }) => row.deadline },
    { header: '整改状态', width: 10, value: ({ row }) => rectificationStatusLabels[row.status][0] },
    { header: '是否逾期', width: 9, value: ({ row }) => (row.overdue ? '是' : '否') },
    {
      header: '整改进展',
      width: 60,
      format: 'longText',
      value: ({ events }) =>
        events
          .filter((e) => e.progress)
          .map((e) => `【${localMinute(e.at, timezone)} ${e.by.name ?? ''}】${e.progress!.note}${e.progress!.done ? '（报请核查）' : ''}`)
          .join('\n\n'),
    },
    { header: '核查结果', width: 10, value: ({ item }) => (item?.rectification?.verification ? (item.rectification.verification.outcome === 'verified' ? '通过销号' : '退回') : '') },
    { header: '核查意见', width: 40, format: 'longText', value: ({ item }) => item?.rectification?.verification?.note },
    { header: '核查人', width: 12, value: ({ item }) => item?.rectification?.verification?.by.name },
    { header: '核查时间', width: 17, format: 'dateTime', value: ({ item }) => item?.rectification?.verification?.at },
    { header: '更新时间', width: 17, format: 'dateTime', value: ({ row }) => row.updatedAt },
  ];
};

export const exportLedger = async (deps: Deps, principal: Principal, query: LedgerCriteria): Promise<{ body: Readable; fileName: string }> => {
  if (!canExport(principal)) throw new ForbiddenError('Only the office and leaders export.');
  const writer = loadXlsxWriter();
  // The ledger's first page goes out beside the directory (only the cells' names need it).
  const ledgerPages = startedPages(allLedgerRows(deps, principal, query));
  const directory = await requireDirectory(deps);
  const timezone = directory.campaign.timezone;
  async function* pages() {
    for await (const rows of ledgerPages) {
      yield await mapLimited(rows, itemReadsInFlight, async (row): Promise<LedgerSheetRow> => {
        const found = await getItemWithEvents(deps, row.trackingCode);
        return { row, item: found?.item, events: found?.events ?? [] };
      });
    }
  }
  return {
    body: (await writer).xlsxStream({ sheetName: '整改台账', columns: ledgerColumns(directory), timezone, pages: pages() }),
    fileName: `yijian-rectifications-${localDate(deps.clock.now(), timezone)}.xlsx`,
  };
};
