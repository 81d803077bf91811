import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitChange, getItem, type ItemRecord } from '../../shared/data/items';
import { maxFollowUps, maxReplies } from '../../shared/domain/lifecycle';
import type { LocalStack } from '../../local/stack';
import { api, leakPattern, startTestStack, type Api, type ApiResponse } from '../support/stack';
import { ownUnit, people } from '../support/staff-people';

/**
 * Bounded items: an item takes at most `maxFollowUps` follow-ups and `maxReplies` replies, so its
 * views stay far below Lambda's response limit. The one past the limit is a 409 that stores
 * nothing; the last one within it goes through.
 */

let stack: LocalStack;
let http: Api;
let officeToken: string;

beforeAll(async () => {
  stack = await startTestStack();
  http = api(stack.url);
  officeToken = await stack.issuer.issue(people.office);
});
afterAll(async () => {
  await stack?.stop();
});

const expectConflict = (response: ApiResponse, detail: RegExp) => {
  expect(response.status, response.text.slice(0, 300)).toBe(409);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ status: 409, detail: expect.stringMatching(detail) });
  expect(response.text).not.toMatch(leakPattern);
};

const submit = async () => {
  const r = await http.post('/api/submissions', { kind: 'question', title: '有界事项', body: '请答复。', anonymous: true, unitId: ownUnit.id });
  expect(r.status, r.text).toBe(201);
  return r.json as { trackingCode: string; accessKey: string };
};

const staffView = async (code: string) => {
  const r = await http.call('GET', `/api/items/${code}`, { headers: { authorization: `Bearer ${officeToken}` } });
  expect(r.status, r.text).toBe(200);
  return r.json;
};

const reply = (code: string, body: string, visibility: 'public' | 'internal') =>
  http.call('POST', `/api/items/${code}/replies`, { body: { body, visibility }, headers: { authorization: `Bearer ${officeToken}` } });

describe('follow-ups per item', () => {
  it(`takes the ${maxFollowUps}th follow-up, also in a race for the last places, and refuses the next with 409, storing nothing`, async () => {
    const { trackingCode, accessKey } = await submit();
    const key = { 'X-Access-Key': accessKey };
    for (let n = 1; n <= maxFollowUps - 3; n++) {
      const r = await http.post(`/api/submissions/${trackingCode}/follow-ups`, { body: `补充 ${n}` }, key);
      expect(r.status, `follow-up ${n}: ${r.text}`).toBe(201);
    }
    // Five at once for the last three places: three are taken, two refused, none beyond the limit.
    const racing = await Promise.all([1, 2, 3, 4, 5].map((n) => http.post(`/api/submissions/${trackingCode}/follow-ups`, { body: `并发 ${n}` }, key)));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 201, 201, 409, 409]);
    const before = await staffView(trackingCode);
    expect(before.followUps).toHaveLength(maxFollowUps);

    const over = await http.post(`/api/submissions/${trackingCode}/follow-ups`, { body: '再补充' }, key);
    expectConflict(over, new RegExp(`${maxFollowUps} follow-ups`));

    const after = await staffView(trackingCode);
    expect(after.version).toBe(before.version);
    expect(after.followUps).toHaveLength(maxFollowUps);
    const view = await http.get(`/api/submissions/${trackingCode}`, key);
    expect(view.json.followUps).toHaveLength(maxFollowUps);
    expect(view.json.followUps.map((f: { body: string }) => f.body)).not.toContain('再补充');
  });
});

describe('replies per item', () => {
  it(`takes the ${maxReplies}th reply, also in a race for the last places, and refuses the next with 409 (public or internal), storing nothing`, async () => {
    const { trackingCode } = await submit();
    // All but the last three replies are written with the data layer (the same transaction the
    // service commits), which is quicker than as many HTTP requests.
    let item = (await getItem(stack.deps, trackingCode)) as ItemRecord;
    for (let n = 1; n <= maxReplies - 3; n++) {
      const at = new Date().toISOString();
      item = await commitChange(stack.deps, item, {
        set: { updatedAt: at },
        event: {
          at,
          action: 'note',
          by: { type: 'staff', sub: people.office.sub, name: people.office.name },
          from: item.status,
          to: item.status,
          reply: { id: `filled${n}`, body: `内部备注 ${n}`, visibility: 'internal' },
        },
      });
    }
    expect((await staffView(trackingCode)).replies).toHaveLength(maxReplies - 3);

    // Five at once for the last three places: three are taken, two refused, none beyond the limit.
    const racing = await Promise.all([1, 2, 3, 4, 5].map((n) => reply(trackingCode, `答复 ${n}`, n % 2 ? 'public' : 'internal')));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 201, 201, 409, 409]);
    const before = await staffView(trackingCode);
    expect(before.replies).toHaveLength(maxReplies);

    for (const visibility of ['public', 'internal'] as const) {
      expectConflict(await reply(trackingCode, '再答复', visibility), new RegExp(`${maxReplies} replies`));
    }
    const after = await staffView(trackingCode);
    expect(after.version).toBe(before.version);
    expect(after.replies).toHaveLength(maxReplies);
  });
});
