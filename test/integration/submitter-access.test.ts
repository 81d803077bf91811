import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { intercept } from '../../shared/data/middleware';
import { api, startTestStack, type Api, type ApiResponse } from '../support/stack';

/**
 * An unknown tracking code and a wrong access key must cost the same DynamoDB work (issue #14,
 * point 14): the same requests, the same read units, the same 404. Their times are compared in
 * `npm run bench` (never here: no timed assertion in a test).
 */
let stack: LocalStack;
let http: Api;
/** The DynamoDB operations the handlers sent, with the read units each consumed (the workers' left out). */
let sent: { operation: string; readUnits: number }[] = [];
let recording = false;

beforeAll(async () => {
  stack = await startTestStack({ sweepIntervalSeconds: 0 });
  http = api(stack.url);
  intercept(stack.deps.db.client, async (operation, input, next) => {
    if (!recording || stack.capacity.isBackground()) return next(input);
    const output = await next({ ...input, ReturnConsumedCapacity: 'TOTAL' });
    const consumed = output.ConsumedCapacity as { ReadCapacityUnits?: number; CapacityUnits?: number } | undefined;
    sent.push({ operation, readUnits: consumed?.ReadCapacityUnits ?? consumed?.CapacityUnits ?? 0 });
    return output;
  });
});
afterAll(async () => {
  await stack?.stop();
});

const record = async (call: () => Promise<ApiResponse>) => {
  sent = [];
  recording = true;
  try {
    const response = await call();
    // The directory is read through a cache that may or may not be warm: it is not about the item.
    return { response, work: sent.filter((s) => !(s.operation === 'GetItem' && s.readUnits === 0)) };
  } finally {
    recording = false;
  }
};

describe('an unknown tracking code and a wrong access key', () => {
  it('cost the same requests and read units on every submitter route, and answer the same 404', async () => {
    // An item with a history: reading it whole (item and events) is what made a wrong key slower.
    // Its row stays under 4 KB: DynamoDB bills a GetItem by the whole row, projection or not, so a
    // row of up to 15 KB (a body of 5,000 Chinese characters) costs up to 4 units to 1 (README, Performance).
    const created = await http.post('/api/submissions', { kind: 'problem', title: '有历史的事项', body: '正文。'.repeat(300), anonymous: true });
    expect(created.status).toBe(201);
    const { trackingCode, accessKey } = created.json;
    for (let i = 0; i < 5; i++) {
      expect((await http.post(`/api/submissions/${trackingCode}/follow-ups`, { body: `补充 ${i}：${'细节'.repeat(200)}` }, { 'X-Access-Key': accessKey })).status).toBe(201);
    }
    const unknown = 'YJ-2222-2222';
    expect((await http.get(`/api/submissions/${unknown}`, { 'X-Access-Key': accessKey })).status).toBe(404);
    const wrongKey = { 'X-Access-Key': `${accessKey.slice(0, -2)}AA` };
    const routes: [string, (code: string) => Promise<ApiResponse>][] = [
      ['GET', (code) => http.get(`/api/submissions/${code}`, wrongKey)],
      ['follow-up', (code) => http.post(`/api/submissions/${code}/follow-ups`, { body: '再补充' }, wrongKey)],
      ['rating', (code) => http.post(`/api/submissions/${code}/rating`, { satisfaction: 'satisfied' }, wrongKey)],
    ];
    for (const [name, call] of routes) {
      // Warm both paths once (the handler's module and the directory cache), then compare.
      await call(unknown);
      await call(trackingCode);
      const a = await record(() => call(unknown));
      const b = await record(() => call(trackingCode));
      expect(a.response.status, name).toBe(404);
      expect(b.response.status, name).toBe(404);
      expect(b.response.json, name).toEqual(a.response.json);
      expect(a.work.map((w) => w.operation), name).toEqual(['GetItem']);
      expect(b.work, name).toEqual(a.work);
    }
    // And the right key still opens it (the key check comes before the item is read).
    const view = await http.get(`/api/submissions/${trackingCode}`, { 'X-Access-Key': accessKey });
    expect(view.status).toBe(200);
    expect(view.json.followUps).toHaveLength(5);
  });
});
