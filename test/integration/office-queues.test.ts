import { describe, expect, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { useClockedStack } from '../support/clocked-stack';
import { OTHER, OWN, ownUnit, type Person } from '../support/staff-people';

/**
 * Two queues of the office's year (issue 12), on the local stack with the clock moved: the
 * dashboard's `urged` (totals and per group) equals what `GET /api/items?urged=true` lists, in
 * every filter and for every role; and `GET /api/items?extension=requested` lists exactly the items
 * whose deadline extension waits for the office's decision.
 */
const env = useClockedStack();
const { as } = env;

/** Monday 7 December 2026, 10:00 in Shanghai: a question (5 working days) is due Monday 14 December. */
const T0 = new Date('2026-12-07T02:00:00.000Z');
const at10 = (date: string) => new Date(`${date}T10:00:00.000+08:00`);
const otherUnit = demoDirectory.units.find((u) => u.groupId === OTHER && u.system === ownUnit.system)!;

const submit = async (unitId = ownUnit.id, title = '办公室的队列') => {
  const r = await env.http.post('/api/submissions', { kind: 'question', title, body: '请答复。', anonymous: true, unitId });
  expect(r.status, r.text).toBe(201);
  return r.json.trackingCode as string;
};

/** Every row a list query gives `who`, page after page. */
const listAll = async (who: Person, query: string) => {
  const rows: { trackingCode: string; groupId?: string }[] = [];
  let cursor: string | undefined;
  do {
    const r = await as(who).get(`/api/items?limit=100&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, r.text).toBe(200);
    rows.push(...r.json.items);
    cursor = r.json.nextCursor;
  } while (cursor);
  return rows;
};

const dashboard = async (who: Person, query = '') => {
  const r = await as(who).get(`/api/dashboard${query ? `?${query}` : ''}`);
  expect(r.status, r.text).toBe(200);
  return r.json as { totals: { urged: number }; byGroup: { groupId: string | null; urged: number }[] };
};

/** The dashboard's urged figures and the list's, side by side, for `who` and a filter. */
const expectUrgedAsListed = async (who: Person, query = '') => {
  const [board, rows] = await Promise.all([dashboard(who, query), listAll(who, `urged=true${query ? `&${query}` : ''}`)]);
  expect(board.totals.urged, `${who} ${query}`).toBe(rows.length);
  for (const row of board.byGroup) expect(row.urged, `${who} ${query} ${row.groupId}`).toBe(rows.filter((i) => (i.groupId ?? null) === row.groupId).length);
  return board.totals.urged;
};

describe('the dashboard’s urged items', () => {
  it('equal what GET /api/items?urged=true lists, overall, per group, per phase and for a group’s member; an answer takes one off', async () => {
    env.clock.set(T0);
    const own = [await submit(), await submit()];
    const other = await submit(otherUnit.id);
    expect((await as('office').get(`/api/items/${other}`)).json.groupId).toBe(OTHER);
    expect(await expectUrgedAsListed('office')).toBe(0);

    // Three working days after the due day: each urged (the sweeper, as the schedule runs it).
    env.clock.set(at10('2026-12-18'));
    for (let i = 0; i < 2; i++) await env.stack.sweep();
    expect(await expectUrgedAsListed('office')).toBe(3);
    const phase = (await as('office').get(`/api/items/${other}`)).json.phase as string;
    for (const query of [`phase=${phase}`, `groupId=${OWN}`, `groupId=${OWN}&phase=${phase}`, 'phase=no-such-phase']) await expectUrgedAsListed('office', query);
    expect(await expectUrgedAsListed('own')).toBe(2);
    expect(await expectUrgedAsListed('leader')).toBe(3);
    expect((await dashboard('office')).byGroup.find((g) => g.groupId === OWN)?.urged).toBe(2);

    expect((await as('own').post(`/api/items/${own[0]}/replies`, { body: '已答复。', visibility: 'public' })).status).toBe(201);
    expect(await expectUrgedAsListed('office')).toBe(2);
    expect(await expectUrgedAsListed('own')).toBe(1);
  });
});

describe('the extension requests waiting for the office', () => {
  it('are listed with extension=requested, in every scope, until decided', async () => {
    env.clock.set(T0);
    const [asked, untouched, otherAsked, decided] = [await submit(), await submit(), await submit(otherUnit.id), await submit()];
    for (const [code, who] of [[asked, 'own'], [otherAsked, 'office'], [decided, 'own']] as const) {
      const r = await as(who).post(`/api/items/${code}/extension`, { workingDays: 2, reason: '需要协调' });
      expect(r.status, r.text).toBe(201);
    }
    expect((await as('office').post(`/api/items/${decided}/extension/decision`, { approve: true })).status).toBe(200);

    const codes = async (who: Person, query = '') => (await listAll(who, `extension=requested${query}`)).map((i) => i.trackingCode);
    expect(new Set(await codes('office'))).toEqual(new Set([asked, otherAsked]));
    expect(await codes('own')).toEqual([asked]);
    expect(await codes('leader')).toHaveLength(2);
    expect(await codes('office', `&groupId=${OTHER}`)).toEqual([otherAsked]);
    expect(await codes('office', '&status=answered')).toEqual([]);
    expect(await codes('office', '&kind=problem')).toEqual([]);
    expect(untouched).not.toBe(asked);

    // One page at a time: each once.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await as('office').get(`/api/items?extension=requested&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status, r.text).toBe(200);
      seen.push(...r.json.items.map((i: { trackingCode: string }) => i.trackingCode));
      cursor = r.json.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([asked, otherAsked].sort());

    expect((await as('office').post(`/api/items/${asked}/extension/decision`, { approve: false, note: '按期办结' })).status).toBe(200);
    expect(await codes('office')).toEqual([otherAsked]);
    for (const value of ['approved', 'true', '']) expect((await as('office').get(`/api/items?extension=${value}`)).status, value).toBe(400);
  });
});
