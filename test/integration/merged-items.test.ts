import { beforeAll, describe, expect, it } from 'vitest';
import { leakPattern, useTestStack, type ApiResponse } from '../support/stack';
import { ownUnit, people, type Person } from '../support/staff-people';

/**
 * API.md v2, "Merged items", on the real local stack: the submitter of a merged duplicate reads the
 * target's status and public replies with their own key, and rates them once per answer; nothing
 * private of the target (its submitter's contact, its notes, its follow-ups, its key, staff names)
 * ever reaches them; the target keeps its own status whatever they rate.
 */
const files = useTestStack({ sweepIntervalSeconds: 0 });
const tokens: Partial<Record<Person, string>> = {};

beforeAll(async () => {
  for (const who of ['office', 'own'] as const) tokens[who] = (await files.http.post('/api/dev/token', people[who])).json.token;
});

const as = (who: Person) => ({
  get: (path: string) => files.http.call('GET', path, { headers: { authorization: `Bearer ${tokens[who]}` } }),
  post: (path: string, body: unknown) => files.http.call('POST', path, { body, headers: { authorization: `Bearer ${tokens[who]}` } }),
});

interface Receipt {
  trackingCode: string;
  accessKey: string;
}

const contact = { name: '目标提交人李四', email: 'target-person@example.cn', phone: '13800138000' };

const submit = async (body: Record<string, unknown> = {}): Promise<Receipt> => {
  const r = await files.http.post('/api/submissions', { kind: 'question', title: '食堂能否延长供餐', body: '晚上加班没有饭。', anonymous: true, unitId: ownUnit.id, ...body });
  expect(r.status, r.text).toBe(201);
  return r.json;
};

const submitter = ({ trackingCode, accessKey }: Receipt, key = accessKey) => ({
  view: () => files.http.get(`/api/submissions/${trackingCode}`, { 'X-Access-Key': key }),
  rate: (body: Record<string, unknown>) => files.http.post(`/api/submissions/${trackingCode}/rating`, body, { 'X-Access-Key': key }),
});

const merge = async (from: string, into: string) => {
  const r = await as('office').post(`/api/items/${from}/transition`, { action: 'merge', targetId: into });
  expect(r.status, r.text).toBe(200);
};

const reply = async (id: string, body: string, visibility: 'public' | 'internal') => {
  const r = await as('own').post(`/api/items/${id}/replies`, { body, visibility });
  expect(r.status, r.text).toBe(201);
};

const expectConflict = (r: ApiResponse) => {
  expect(r.status, r.text).toBe(409);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.text).not.toMatch(leakPattern);
};

const satisfied = async () => (await as('office').get('/api/dashboard')).json.satisfaction;

describe('a merged item’s submitter', () => {
  it('reads the target’s status and public replies, nothing private of it, and rates each answer once; the target keeps its status', async () => {
    const target = await submit({ anonymous: false, contact, title: '食堂晚餐时间' });
    const dup = await submit({ title: '加班没有晚饭' });
    // What is private to the target: its submitter's follow-up, the group's internal note.
    const followUp = '我是李四，住三号楼，电话见联系方式。';
    expect((await files.http.post(`/api/submissions/${target.trackingCode}/follow-ups`, { body: followUp }, { 'X-Access-Key': target.accessKey })).status).toBe(201);
    const note = '内部：食堂承包合同年底到期，先别答复。';
    await reply(target.trackingCode, note, 'internal');
    await merge(dup.trackingCode, target.trackingCode);

    // Not answered yet: the status, no replies, no rating.
    let view = await submitter(dup).view();
    expect(view.status, view.text).toBe(200);
    expect(view.json).toMatchObject({ status: 'merged', mergedInto: { trackingCode: target.trackingCode, status: 'assigned', replies: [], canRate: false } });
    expectConflict(await submitter(dup).rate({ satisfaction: 'satisfied' }));
    // A wrong key is the same 404 as ever, merged or not.
    expect((await submitter(dup, target.accessKey).rate({ satisfaction: 'satisfied' })).status).toBe(404);

    const answer = '食堂自下周一起供应晚餐至20:00。';
    await reply(target.trackingCode, answer, 'public');
    view = await submitter(dup).view();
    expect(view.json.mergedInto).toEqual({
      trackingCode: target.trackingCode,
      status: 'answered',
      replies: [{ id: expect.any(String), body: answer, createdAt: expect.any(String), by: { groupName: expect.stringContaining('督导组') } }],
      canRate: true,
    });
    // Nothing private of the target, in any form.
    for (const secret of [contact.name, contact.email, contact.phone, note, followUp, target.accessKey, people.own.name, people.own.sub, 'accessKeyHash', 'contact']) {
      expect(view.text).not.toContain(secret);
    }

    const before = await satisfied();
    const rated = await submitter(dup).rate({ satisfaction: 'basically', resolved: 'partly', comment: '希望周末也供应。' });
    expect(rated.status, rated.text).toBe(200);
    expect(rated.json).toEqual({ status: 'merged' });
    view = await submitter(dup).view();
    expect(view.json).toMatchObject({ status: 'merged', satisfaction: 'basically', resolved: 'partly', ratings: [{ satisfaction: 'basically' }], mergedInto: { canRate: false } });
    // Once per answer.
    expectConflict(await submitter(dup).rate({ satisfaction: 'satisfied' }));
    // The rating is the duplicate's: the target is untouched; the office sees it on the duplicate.
    const targetItem = (await as('office').get(`/api/items/${target.trackingCode}`)).json;
    expect(targetItem).toMatchObject({ status: 'answered' });
    expect(targetItem.satisfaction).toBeUndefined();
    const dupItem = (await as('office').get(`/api/items/${dup.trackingCode}`)).json;
    expect(dupItem).toMatchObject({ status: 'merged', satisfaction: 'basically', resolved: 'partly' });
    expect(dupItem.history.at(-1)).toMatchObject({ action: 'rate', from: 'merged', to: 'merged', note: 'basically: 希望周末也供应。' });
    // The dashboard counts the person's verdict, as GET /api/items/{id} shows it.
    const after = await satisfied();
    expect(after.basically).toBe(before.basically + 1);

    // A further answer may be rated again; an unsatisfied rating sends nothing back.
    await reply(target.trackingCode, '周末午餐也已安排。', 'public');
    expect((await submitter(dup).view()).json.mergedInto).toMatchObject({ canRate: true, replies: [{ body: answer }, { body: '周末午餐也已安排。' }] });
    const unhappy = await submitter(dup).rate({ satisfaction: 'unsatisfied', comment: '晚餐太早结束。' });
    expect(unhappy.json).toEqual({ status: 'merged' });
    expect((await as('office').get(`/api/items/${target.trackingCode}`)).json.status).toBe('answered');
    view = await submitter(dup).view();
    expect(view.json.ratings.map((r: { satisfaction: string }) => r.satisfaction)).toEqual(['basically', 'unsatisfied']);
    expect(view.json.followUps).toEqual([]);

    // Closed by its own submitter: still readable and, for a new answer, rateable.
    expect((await submitter(target).rate({ satisfaction: 'satisfied' })).json).toEqual({ status: 'closed' });
    expect((await submitter(dup).view()).json.mergedInto).toMatchObject({ status: 'closed', canRate: false });
  });

  it('reads the item its target was later merged into, and a rejected target is shown as such', async () => {
    const first = await submit({ title: '停车位不够' });
    const second = await submit({ title: '停车难' });
    const last = await submit({ title: '园区停车' });
    await merge(first.trackingCode, second.trackingCode);
    await merge(second.trackingCode, last.trackingCode);
    await reply(last.trackingCode, '已在东门新增车位。', 'public');
    expect((await submitter(first).view()).json.mergedInto).toMatchObject({ trackingCode: last.trackingCode, status: 'answered', replies: [{ body: '已在东门新增车位。' }], canRate: true });
    expect((await submitter(first).rate({ satisfaction: 'satisfied' })).json).toEqual({ status: 'merged' });

    const rejected = await submit({ title: '不属于本次范围' });
    const dup = await submit({ title: '同样不属于' });
    await merge(dup.trackingCode, rejected.trackingCode);
    expect((await as('office').post(`/api/items/${rejected.trackingCode}/transition`, { action: 'reject', reason: '请通过12345反映。' })).status).toBe(200);
    const view = await submitter(dup).view();
    expect(view.json.mergedInto).toEqual({ trackingCode: rejected.trackingCode, status: 'rejected', replies: [], canRate: false });
    expectConflict(await submitter(dup).rate({ satisfaction: 'satisfied' }));
  });
});
