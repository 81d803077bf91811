import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { api, startTestStack, type Api } from '../support/stack';
import { ownUnit, people, type Person } from '../support/staff-people';

/**
 * Issue #14, point 6: a merged duplicate is not counted again in its unit's totals. The dashboard's
 * hot-spot units (the tally's counters) equal what GET /api/items?unitId= lists, merged items left out.
 */

let stack: LocalStack;
let http: Api;
const tokens: Partial<Record<Person, string>> = {};
const office = {
  get: (path: string) => http.call('GET', path, { headers: { authorization: `Bearer ${tokens.office}` } }),
  post: (path: string, body: unknown) => http.call('POST', path, { body, headers: { authorization: `Bearer ${tokens.office}` } }),
};

beforeAll(async () => {
  stack = await startTestStack({ sweepIntervalSeconds: 0 });
  http = api(stack.url);
  tokens.office = await stack.issuer.issue(people.office);
});
afterAll(async () => {
  await stack?.stop();
});

const submit = async (kind: string, title: string): Promise<string> => {
  const r = await http.post('/api/submissions', { kind, title, body: '同一件事。', anonymous: true, unitId: ownUnit.id });
  expect(r.status, r.text).toBe(201);
  return r.json.trackingCode;
};

/** The unit's items as GET /api/items?unitId= lists them (through its cursor), merged ones left out. */
const listedFor = async (unitId: string) => {
  const items: { status: string; kind: string }[] = [];
  let cursor: string | undefined;
  do {
    const r = await office.get(`/api/items?unitId=${unitId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, r.text).toBe(200);
    items.push(...r.json.items);
    cursor = r.json.nextCursor;
  } while (cursor);
  const counted = items.filter((i) => i.status !== 'merged');
  const open = ['submitted', 'assigned', 'in_progress', 'reopened'];
  return {
    all: items.length,
    total: counted.length,
    open: counted.filter((i) => open.includes(i.status)).length,
    problems: counted.filter((i) => i.kind === 'problem').length,
  };
};

const unitRow = async (unitId: string) => {
  const r = await office.get('/api/dashboard');
  expect(r.status, r.text).toBe(200);
  const row = (r.json.byUnit as { unitId: string; total: number; open: number; problems: number }[]).find((u) => u.unitId === unitId);
  return row ? { total: row.total, open: row.open, problems: row.problems } : null;
};

describe('the dashboard’s unit totals', () => {
  it('leave merged duplicates out, and equal GET /api/items?unitId= without them', async () => {
    const target = await submit('problem', '路灯坏了');
    const duplicates = [await submit('problem', '路灯坏了（重复）'), await submit('question', '路灯何时修')];
    await submit('suggestion', '多装几盏路灯');
    for (const code of duplicates) {
      const r = await office.post(`/api/items/${code}/transition`, { action: 'merge', targetId: target });
      expect(r.status, r.text).toBe(200);
    }
    const listed = await listedFor(ownUnit.id);
    expect(listed.all).toBe(4);
    expect(listed).toMatchObject({ total: 2, problems: 1 });
    // The tally works from the table's stream: the counters catch up shortly after.
    await expect.poll(() => unitRow(ownUnit.id), { timeout: 15_000, interval: 200 }).toEqual({ total: listed.total, open: listed.open, problems: listed.problems });
  });
});
