import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { api, startTestStack, type Api } from '../support/stack';

// This file's handlers run with a small limit: 3 public writes per address per 10 minutes.
process.env.YIJIAN_RATE_LIMIT = '3/600';

let stack: LocalStack;
let http: Api;
beforeAll(async () => {
  stack = await startTestStack();
  http = api(stack.url);
});
afterAll(async () => {
  await stack?.stop();
});

const valid = { kind: 'question', title: '限流', body: '测试', anonymous: true };

describe('rate limit on public writes (YIJIAN_RATE_LIMIT=3/600)', () => {
  it('refuses the fourth write from one address with 429, Retry-After, and stores nothing for it', async () => {
    // Windows are fixed (every 600 s of the clock): all four writes in one window, a second into
    // it, or a run that crossed a window's end would see the count start again.
    const windowMs = 600_000;
    stack.clock.set(new Date(Math.ceil(Date.now() / windowMs) * windowMs + 1000));
    const first = await http.post('/api/submissions', valid);
    expect(first.status).toBe(201);
    const key = { 'X-Access-Key': first.json.accessKey };
    expect((await http.post(`/api/submissions/${first.json.trackingCode}/follow-ups`, { body: '补充一' }, key)).status).toBe(201);
    expect((await http.post('/api/submissions', valid)).status).toBe(201);
    const refused = await http.post('/api/submissions', { ...valid, title: '第四个' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // A refused follow-up leaves the item exactly as it was.
    const followUp = await http.post(`/api/submissions/${first.json.trackingCode}/follow-ups`, { body: '补充二' }, key);
    expect(followUp.status).toBe(429);
    const view = await http.get(`/api/submissions/${first.json.trackingCode}`, key);
    expect(view.json.followUps.map((f: { body: string }) => f.body)).toEqual(['补充一']);
    // Reads are not limited.
    expect(view.status).toBe(200);
    stack.clock.set(null);
  });

  it('never stores the raw address', async () => {
    const { client: dynamo, tableName } = stack.deps.db;
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    // A Scan is fine in a test that inspects everything stored; no request path scans.
    const all = JSON.stringify((await dynamo.send(new ScanCommand({ TableName: tableName }))).Items);
    expect(all).toContain('RATE#');
    expect(all).not.toContain('127.0.0.1');
  });
});
