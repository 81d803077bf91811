import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { createDeps } from '../../shared/deps';
import { addCalendarDays, startOfLocalDay } from '../../shared/domain/calendar';
import { UnavailableError } from '../../shared/domain/errors';
import type { ItemRecord } from '../../shared/data/items';
import { sessionKey } from '../../shared/data/keys';
import { minCountOf } from '../../shared/schemas/directory';
import { newSessionCode } from '../../shared/domain/session-code';
import { newTrackingCode } from '../../shared/domain/tracking-code';
import { useOwnTable } from '../support/own-table';

/**
 * GET /api/reports/summary with a period reads the sessions' list and the period's items before the
 * directory says its timezone, bounded by the period in any timezone, and keeps to the period once
 * it is known (shared/services/report.ts). What it answers is what it answered when those reads
 * waited for the directory: no directory is still a 503, and at the period's edges, in the zones
 * furthest from UTC (UTC+14, UTC-12) and the campaign's own, exactly the items made and the
 * sessions starting within the local days count. On a table of this file's own, with the cache
 * off, so that every call reads the directory.
 */
useOwnTable('report-ahead', { YIJIAN_DIRECTORY_CACHE_MS: '0' });
const deps = createDeps();
const office = { sub: 'office-1', name: '办公室', office: true, leader: false, groups: [], units: [] };
const phase = demoDirectory.campaign.phases[0].id;

let report: typeof import('../../shared/services/report');
let summaries: typeof import('../../shared/services/session-summary');
let data: {
  items: typeof import('../../shared/data/items');
  sessions: typeof import('../../shared/data/sessions');
  directory: typeof import('../../shared/data/directory');
  middleware: typeof import('../../shared/data/middleware');
};

/** An open item made at `createdAt`, overdue since long before (so that the report lists it). */
const storedItem = async (createdAt: string, as: Partial<Pick<ItemRecord, 'kind' | 'recommended'>> = {}): Promise<string> => {
  const trackingCode = newTrackingCode();
  const item: ItemRecord = {
    trackingCode,
    kind: 'question',
    title: '时区边界',
    body: '请答复。',
    status: 'submitted',
    phase,
    createdAt,
    updatedAt: createdAt,
    dueAt: '2026-01-05T15:59:59.999Z',
    version: 1,
    accessKeyHash: 'x',
    anonymous: true,
    recommended: false,
    ...as,
  };
  await data.items.createItem(deps, item, { version: 1, at: createdAt, action: 'submit', by: { type: 'submitter' }, to: 'submitted' });
  return trackingCode;
};

const storedSession = async (startsAt: string): Promise<string> => {
  const code = newSessionCode();
  await data.sessions.createSession(deps, {
    code,
    title: '边界场次',
    startsAt,
    phase,
    unitIds: [],
    open: true,
    joinKey: 'k',
    createdAt: startsAt,
    updatedAt: startsAt,
    createdBy: { sub: office.sub, name: office.name },
    version: 1,
  });
  return code;
};

beforeAll(async () => {
  const { ensureTable, localClient } = await import('../../local/table');
  await ensureTable(localClient(inject('dynamoEndpoint')), process.env.TABLE_NAME!);
  report = await import('../../shared/services/report');
  summaries = await import('../../shared/services/session-summary');
  data = {
    items: await import('../../shared/data/items'),
    sessions: await import('../../shared/data/sessions'),
    directory: await import('../../shared/data/directory'),
    middleware: await import('../../shared/data/middleware'),
  };
});

/** The operations `run` sends, in order, each as it goes out and as its answer comes back (`GetItem` is the directory's). */
const requestsOf = async (run: () => Promise<unknown>): Promise<string[]> => {
  const log: string[] = [];
  const remove = data.middleware.intercept(deps.db.client, async (operation, input, next) => {
    const what = `${operation}${input.IndexName ? ` ${String(input.IndexName)}` : ''}`;
    log.push(`send ${what}`);
    const output = await next(input);
    log.push(`done ${what}`);
    return output;
  });
  try {
    await run();
    return log;
  } finally {
    remove();
  }
};

describe('a report over a period, its lists read before the timezone is known', () => {
  it('is a 503 while there is no directory, with or without a period', async () => {
    for (const query of [{ from: '2026-12-09', to: '2026-12-09' }, { from: '2026-12-09' }, { to: '2026-12-09' }, {}]) {
      await expect(report.reportSummary(deps, office, query), JSON.stringify(query)).rejects.toBeInstanceOf(UnavailableError);
    }
  });

  it('sends the sessions\' list and the period\'s items beside the directory\'s read, the rest after it', async () => {
    await data.directory.putDirectory(deps, demoDirectory);
    const log = await requestsOf(() => report.reportSummary(deps, office, { from: '2026-11-20', to: '2026-11-20' }));
    expect(log.slice(0, 3).sort()).toEqual(['send GetItem', 'send Query gsi1', 'send Query gsi8'].sort());
    // The overdue and urged items are among the period's rows (no gsi4, no gsi6), and so are its
    // recommended practices: none here, so no gsi7 either. (The dashboard reads the directory
    // again here, with the cache off; an empty period needs no BatchGetItem.)
    expect(log.filter((entry) => entry.startsWith('send')).sort()).toEqual(['send GetItem', 'send GetItem', 'send Query gsi1', 'send Query gsi8']);
  });

  it('queries the recommended practices only when the period\'s rows hold one, once they are read', async () => {
    await data.directory.putDirectory(deps, demoDirectory);
    const day = '2026-11-05';
    const start = startOfLocalDay(day, 'Asia/Shanghai').getTime();
    const at = (hour: number) => new Date(start + hour * 3_600_000).toISOString();
    await storedItem(at(9), { kind: 'practice' });
    let answer: Awaited<ReturnType<typeof report.reportSummary>> | undefined;
    const quiet = await requestsOf(async () => (answer = await report.reportSummary(deps, office, { from: day, to: day })));
    expect(answer?.totals.all).toBe(1);
    expect(answer?.practices).toEqual([]);
    expect(quiet.filter((entry) => entry.includes('gsi7'))).toEqual([]);

    const recommended = await storedItem(at(10), { kind: 'practice', recommended: true });
    // The day before holds one too: the Query keeps to the period.
    await storedItem(at(-2), { kind: 'practice', recommended: true });
    const log = await requestsOf(async () => (answer = await report.reportSummary(deps, office, { from: day, to: day })));
    expect(answer?.practices.map((p) => p.trackingCode)).toEqual([recommended]);
    expect(log.filter((entry) => entry === 'send Query gsi7')).toHaveLength(1);
    // After the rows and what their BatchGetItem adds (the last page of the period read).
    expect(log.indexOf('send Query gsi7')).toBeGreaterThan(log.lastIndexOf('done BatchGetItem'));
    expect(log.lastIndexOf('done BatchGetItem')).toBeGreaterThan(log.lastIndexOf('done Query gsi1'));
  });

  it('reads the period\'s own list of sessions when more than a page of them start near it', async () => {
    await data.directory.putDirectory(deps, demoDirectory);
    const day = '2026-11-25';
    const start = startOfLocalDay(day, 'Asia/Shanghai').getTime();
    const inside = [await storedSession(new Date(start + 3_600_000).toISOString()), await storedSession(new Date(start + 7_200_000).toISOString())];
    // The next local day, within the bounds read ahead (its UTC day and one more on each side), newer than the period's.
    for (let i = 0; i < 55; i++) await storedSession(new Date(start + 86_400_000 + i * 60_000).toISOString());
    const within = await report.reportSummary(deps, office, { from: day, to: day });
    expect(within.sessions.map((s) => s.session.code)).toEqual([...inside].reverse());
  });

  it("reads a listed session's ratings only when there are enough of them to show (its count says)", async () => {
    await data.directory.putDirectory(deps, demoDirectory);
    const day = '2026-10-20';
    const code = await storedSession(new Date(startOfLocalDay(day, 'Asia/Shanghai').getTime() + 3_600_000).toISOString());
    const noRoom = { entries: [], refusal: () => null };
    const rate = async (score: number) => {
      const session = (await data.sessions.getSession(deps, code))!;
      await data.sessions.addRating(deps, session, `r${score}${Date.now()}`, { score, createdAt: new Date().toISOString() }, noRoom);
    };
    // The ratings' read is the report's only Query on the table itself (the lists are the indexes').
    const ratingsReads = (log: string[]) => log.filter((entry) => entry === 'send Query');
    const reported = async () => {
      let answer: Awaited<ReturnType<typeof report.reportSummary>> | undefined;
      const log = await requestsOf(async () => (answer = await report.reportSummary(deps, office, { from: day, to: day })));
      expect(answer?.sessions.map((s) => s.session.code)).toEqual([code]);
      return { ratings: answer!.sessions[0]!.ratings, reads: ratingsReads(log) };
    };
    // Either way the figures are the session's own summary's (which reads the ratings).
    const minCount = minCountOf(demoDirectory);
    for (let score = 1; score < minCount; score++) await rate(score);
    const few = await reported();
    expect(few.ratings).toEqual({ count: minCount - 1, average: null, distribution: null, comments: null });
    expect(few.reads).toEqual([]);
    expect(few.ratings).toEqual((await summaries.sessionSummary(deps, office, code)).ratings);
    await rate(5);
    const enough = await reported();
    expect(enough.ratings.count).toBe(minCount);
    expect(enough.ratings.average).not.toBeNull();
    expect(enough.reads).toHaveLength(1);
    expect(enough.ratings).toEqual((await summaries.sessionSummary(deps, office, code)).ratings);
    // A session stored before its ratings were counted has them read, however few.
    const uncounted = await storedSession(new Date(startOfLocalDay('2026-10-14', 'Asia/Shanghai').getTime() + 3_600_000).toISOString());
    await deps.db.client.send(new UpdateCommand({ TableName: deps.db.tableName, Key: sessionKey(uncounted), UpdateExpression: 'REMOVE ratingCount' }));
    const log = await requestsOf(() => report.reportSummary(deps, office, { from: '2026-10-14', to: '2026-10-14' }));
    expect(ratingsReads(log)).toHaveLength(1);
  });

  // A day per zone, apart from the others' by more than the reads' margin.
  for (const [timezone, day] of [['Pacific/Kiritimati', '2026-12-01'], ['Etc/GMT+12', '2026-12-08'], ['Asia/Shanghai', '2026-12-15']] as const) {
    it(`keeps to the local day at its edges in ${timezone}`, async () => {
      await data.directory.putDirectory(deps, { ...demoDirectory, campaign: { ...demoDirectory.campaign, timezone } });
      const start = startOfLocalDay(day, timezone).getTime();
      const end = startOfLocalDay(addCalendarDays(day, 1), timezone).getTime();
      const iso = (ms: number) => new Date(ms).toISOString();
      const [, firstItem, lastItem] = [await storedItem(iso(start - 1)), await storedItem(iso(start)), await storedItem(iso(end - 1)), await storedItem(iso(end))];
      const [, firstSession, lastSession] = [await storedSession(iso(start - 1)), await storedSession(iso(start)), await storedSession(iso(end - 1)), await storedSession(iso(end))];

      const within = await report.reportSummary(deps, office, { from: day, to: day });
      expect(within.filter.timezone).toBe(timezone);
      expect(within.totals.all).toBe(2);
      expect(within.overdue.items.map((i) => i.trackingCode)).toEqual([lastItem, firstItem]);
      expect(within.sessions.map((s) => s.session.code)).toEqual([lastSession, firstSession]);
      // Open at one end: from the day on (the next zone's day is days later), and up to it.
      const from = await report.reportSummary(deps, office, { from: day, to: addCalendarDays(day, 2) });
      expect(from.totals.all).toBe(3);
      expect(from.sessions).toHaveLength(3);
      const to = await report.reportSummary(deps, office, { from: addCalendarDays(day, -2), to: day });
      expect(to.totals.all).toBe(3);
      expect(to.sessions).toHaveLength(3);
    });
  }
});
