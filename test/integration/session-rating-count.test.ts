import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDeps } from '../../shared/deps';
import { SessionClosedError } from '../../shared/domain/errors';
import { StaleItemError } from '../../shared/data/errors';
import { sessionKey } from '../../shared/data/keys';
import type { Admission } from '../../shared/data/room';
import type { SessionRecord } from '../../shared/data/sessions';
import { newSessionCode } from '../../shared/domain/session-code';
import { useOwnTable } from '../support/own-table';

/**
 * A session's count of ratings (`ratingCount`, shared/data/sessions.ts): kept by each rating's own
 * transaction from the session's creation, never taken back by an edit made from an earlier read,
 * and never started on a session stored without it (whose ratings are then read, not counted).
 * The report trusts it to spare the ratings' read (test/integration/report-ahead.test.ts).
 */
useOwnTable('session-rating-count');
const deps = createDeps();
const noRoom: Admission = { entries: [], refusal: () => null };
let data: typeof import('../../shared/data/sessions');

beforeAll(async () => {
  const { ensureTable, localClient } = await import('../../local/table');
  await ensureTable(localClient(inject('dynamoEndpoint')), process.env.TABLE_NAME!);
  data = await import('../../shared/data/sessions');
});

const newSession = async (): Promise<SessionRecord> => {
  const at = new Date().toISOString();
  const session: SessionRecord = {
    code: newSessionCode(),
    title: '计数场次',
    startsAt: at,
    place: '三楼会议室',
    phase: 'p1',
    unitIds: [],
    open: true,
    joinKey: 'k',
    createdAt: at,
    updatedAt: at,
    createdBy: { sub: 'office-1', name: '办公室' },
    version: 1,
  };
  await data.createSession(deps, session);
  return (await data.getSession(deps, session.code))!;
};

const rate = (session: Pick<SessionRecord, 'code' | 'ratingCount'>, score: number) =>
  data.addRating(deps, session, Math.random().toString(16).slice(2, 14), { score, createdAt: new Date().toISOString() }, noRoom);

describe("a session's count of ratings", () => {
  it('starts at 0 and counts every rating', async () => {
    const session = await newSession();
    expect(session.ratingCount).toBe(0);
    for (const score of [5, 4, 3]) await rate(session, score);
    expect((await data.getSession(deps, session.code))?.ratingCount).toBe(3);
    expect((await data.getSessionWithRatings(deps, session.code))?.ratings).toHaveLength(3);
  });

  it('is kept by an edit made from a read taken before a rating (the edit sets and removes the rest)', async () => {
    const current = await newSession();
    await rate(current, 4);
    const { place: _removed, ...kept } = current;
    await data.replaceSession(deps, current, { ...kept, title: '改名场次', version: current.version + 1 });
    const stored = await data.getSession(deps, current.code);
    expect(stored).toMatchObject({ title: '改名场次', version: 2, ratingCount: 1, startsAt: current.startsAt });
    expect(stored).not.toHaveProperty('place');
    // An edit from the same, now stale, read is refused and changes nothing.
    await expect(data.replaceSession(deps, current, { ...current, title: '再改', version: current.version + 1 })).rejects.toBeInstanceOf(StaleItemError);
    expect((await data.getSession(deps, current.code))?.title).toBe('改名场次');
  });

  it('is never started on a session stored without it, whose ratings are still taken', async () => {
    const session = await newSession();
    await deps.db.client.send(new UpdateCommand({ TableName: deps.db.tableName, Key: sessionKey(session.code), UpdateExpression: 'REMOVE ratingCount' }));
    const uncounted = (await data.getSession(deps, session.code))!;
    expect(uncounted).not.toHaveProperty('ratingCount');
    await rate(uncounted, 5);
    expect(await data.getSession(deps, session.code)).not.toHaveProperty('ratingCount');
    expect((await data.getSessionWithRatings(deps, session.code))?.ratings).toHaveLength(1);
  });

  it('counts nothing when the session has closed: the rating is refused, counted or not', async () => {
    for (const counted of [true, false]) {
      const session = await newSession();
      await data.replaceSession(deps, session, { ...session, open: false, version: session.version + 1 });
      await expect(rate(counted ? session : { code: session.code }, 3)).rejects.toBeInstanceOf(SessionClosedError);
      expect((await data.getSession(deps, session.code))?.ratingCount).toBe(0);
      expect((await data.getSessionWithRatings(deps, session.code))?.ratings).toEqual([]);
    }
  });
});
