/**
 * The four functions whose unfiltered answer is work over the whole table: the items' CSV and
 * spreadsheet, the rectification ledger's spreadsheet and the printed report (which also reads two
 * Queries per session it lists, and the bench makes a session per run). A one-GetItem floor is no
 * measure for an export of thousands of rows, so their cold start is judged on a request of
 * bounded work, the API's own filters narrowed to fixtures made here, and measured again on the
 * whole table beside it, without a target (bench/functions.ts).
 *
 * The fixtures: a meeting held on a day of its own, 10 days back (the stack's clock is moved there
 * while it is recorded, as scale.ts moves it past a due instant), with three items recorded, one of
 * which gets a rectification by a unit no other fixture plans for. The bounded requests:
 * `?sessionCode=` of that meeting for the item exports, `?unitId=` of that unit for the ledger,
 * `?from=&to=` of that day for the report (items created then, sessions starting then: its reads
 * start at the period's end and stop at its start). Nothing else the bench makes falls on them, so
 * their work stays the same whatever earlier sections left in the table; `checkBounded` asks each
 * once through the gateway and fails loudly unless it holds exactly these rows.
 */
import ExcelJS from 'exceljs';
import { addCalendarDays, localDate, startOfLocalDay } from '../shared/domain/calendar';
import type { HttpAnswer } from './measure';
import { expectStatus, type Desk } from './scale';

export const wholeTableHandlers = ['export-items', 'export-items-xlsx', 'export-rectifications-xlsx', 'get-report'] as const;
export type WholeTableHandler = (typeof wholeTableHandlers)[number];

/** A unit for which no other fixture of the bench plans a rectification (function-events.ts plans for u20). */
const ledgerUnit = 'u33';
const meetingDaysBack = 10;
const entries = [
  { kind: 'question', title: '基准会议提问：学习资料下发时间', body: '学习资料能否提前一周下发？', unitId: 'u05', answer: '下周起提前一周下发。' },
  { kind: 'suggestion', title: '基准会议建议：增加线上答疑', body: '建议每月安排一次线上答疑。', unitId: 'u08', answer: '已采纳，每月最后一周安排。' },
  { kind: 'problem', title: '基准会议问题：窗口午休无人值守', body: '办事大厅两个窗口午休时间无人值守。', unitId: ledgerUnit },
];

/** Rows of a workbook's first sheet, the header row included. */
const sheetRows = async (answer: HttpAnswer): Promise<number> => {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(answer.bytes as unknown as ExcelJS.Buffer);
  return book.worksheets[0]?.actualRowCount ?? 0;
};
const csvRows = (answer: HttpAnswer) => answer.text.split(/\r?\n/).filter((line) => line.trim() !== '').length;

export interface BoundedWork {
  /** Each function's bounded query (its cold-start event's). */
  readonly queries: Record<WholeTableHandler, Record<string, string>>;
  /** Asks each bounded request once through the gateway; throws unless it holds exactly the fixtures' rows. */
  readonly check: () => Promise<void>;
  /** What each function's unfiltered answer holds now, for its row's name ("whole table: 812 items"). */
  readonly wholeTableSizes: () => Promise<Record<WholeTableHandler, string>>;
}

/**
 * Makes the fixtures. `plan(trackingCode, unitId)` records a rectification plan for the unit on
 * the item (function-events.ts's way of making one).
 */
export const prepareBoundedWork = async (desk: Desk, timezone: string, plan: (trackingCode: string, unitId: string) => Promise<unknown>): Promise<BoundedWork> => {
  const { http, auth } = desk;
  const day = addCalendarDays(localDate(desk.clock.now(), timezone), -meetingDaysBack);
  const held = new Date(startOfLocalDay(day, timezone).getTime() + 10 * 3_600_000); // 10:00 local
  const shift = held.getTime() - desk.clock.now().getTime();
  desk.clock.advance(shift);
  let meeting: { code: string };
  let recorded: { trackingCode: string; answeredOnSpot: boolean }[];
  try {
    meeting = (await expectStatus('meeting', http.post('/api/sessions', { title: '基准会议（限定范围）', startsAt: held.toISOString() }, auth), 201)).json();
    recorded = (await expectStatus('meeting records', http.post(`/api/sessions/${meeting.code}/records`, { entries }, auth), 201)).json().items;
  } finally {
    desk.clock.advance(-shift);
  }
  await plan(recorded.find((item) => !item.answeredOnSpot)!.trackingCode, ledgerUnit);

  const queries: BoundedWork['queries'] = {
    'export-items': { sessionCode: meeting.code },
    'export-items-xlsx': { sessionCode: meeting.code },
    'export-rectifications-xlsx': { unitId: ledgerUnit },
    'get-report': { from: day, to: day },
  };
  const paths: Record<WholeTableHandler, string> = {
    'export-items': '/api/exports/items.csv',
    'export-items-xlsx': '/api/exports/items.xlsx',
    'export-rectifications-xlsx': '/api/exports/rectifications.xlsx',
    'get-report': '/api/reports/summary',
  };
  const ask = (name: WholeTableHandler, query?: Record<string, string>) =>
    expectStatus(name, http.get(`${paths[name]}${query ? `?${new URLSearchParams(query)}` : ''}`, auth), 200);
  type Report = { totals: { all: number }; sessions: { session: { code: string } }[] };

  const check = async () => {
    const expect = (name: WholeTableHandler, what: string, found: number, wanted: number) => {
      if (found !== wanted) throw new Error(`bench: the bounded ${name} event (?${new URLSearchParams(queries[name])}) answers ${found} ${what}, not the fixtures' ${wanted}`);
    };
    expect('export-items', 'lines', csvRows(await ask('export-items', queries['export-items'])), 1 + entries.length);
    expect('export-items-xlsx', 'rows', await sheetRows(await ask('export-items-xlsx', queries['export-items-xlsx'])), 1 + entries.length);
    expect('export-rectifications-xlsx', 'rows', await sheetRows(await ask('export-rectifications-xlsx', queries['export-rectifications-xlsx'])), 1 + 1); // the header, the one plan
    const report = (await ask('get-report', queries['get-report'])).json<Report>();
    expect('get-report', 'items', report.totals.all, entries.length);
    const listed = report.sessions.map((s) => s.session.code);
    if (listed.length !== 1 || listed[0] !== meeting.code) throw new Error(`bench: the bounded get-report event lists the sessions ${listed.join(', ') || '(none)'}, not the meeting ${meeting.code} alone`);
  };

  const wholeTableSizes = async () => {
    const items = csvRows(await ask('export-items')) - 1;
    const rectifications = (await sheetRows(await ask('export-rectifications-xlsx'))) - 1;
    const sessions = (await ask('get-report')).json<Report>().sessions.length;
    return {
      'export-items': `whole table: ${items} items`,
      'export-items-xlsx': `whole table: ${items} items`,
      'export-rectifications-xlsx': `whole table: ${rectifications} rectifications`,
      'get-report': `whole table: ${items} items, ${sessions} sessions listed`,
    };
  };
  return { queries, check, wholeTableSizes };
};
