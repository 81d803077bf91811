import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { useTestStack } from '../support/stack';
import { inParallel, solveProof } from '../support/proof';

/**
 * The room (API.md "The room"): a training hall behind one address. Every request of this file
 * comes from one socket address (127.0.0.1) through one HTTP client. The limits are the defaults
 * (10/600 without a proof, 2000/600 with one); only the challenge is cheap (1 PBKDF2 iteration per
 * attempt instead of the default's 1000: `npm run bench` measures the default in Chromium).
 * The environment is set before any handler module is loaded (hence the dynamic imports).
 */
process.env.YIJIAN_CHALLENGE_COST = '1';
delete process.env.YIJIAN_RATE_LIMIT;
delete process.env.YIJIAN_ROOM_LIMIT;

const files = useTestStack();

const windowSeconds = 600;
const windowsUsed: number[] = [];
/** Moves the stack's clock a second into a window of its own (counters start from zero there). */
const freshWindow = () => {
  const start = (Math.ceil(Date.now() / 1000 / windowSeconds) + windowsUsed.length) * windowSeconds;
  windowsUsed.push(start);
  files.stack.clock.set(new Date((start + 1) * 1000));
};

const submission = (title: string) => ({ kind: 'question', title, body: '培训教室里提的问题', anonymous: true });
/** Every stored row of one entity (a Scan: fine in a test that counts what is stored; no request path scans). */
const rowsOf = async (entity: string) => {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const { client, tableName } = files.stack.deps.db;
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, FilterExpression: 'entity = :e', ExpressionAttributeValues: { ':e': entity }, ExclusiveStartKey: start }));
    rows.push(...page.Items!);
    start = page.LastEvaluatedKey;
  } while (start);
  return rows;
};
const itemCount = async () => (await rowsOf('item')).length;

describe('the room: many people behind one address', () => {
  it('takes 200 people who each solve a challenge and submit through the session, and 100 of them who also rate it: every write 201', async () => {
    freshWindow();
    const token = await files.stack.issuer.issue({ sub: 'room-office', name: '办公室', groups: ['office'] });
    const session = await files.http.post('/api/sessions', { title: '学习动员培训会', startsAt: '2026-12-08T01:30:00.000Z', place: '大礼堂' }, { authorization: `Bearer ${token}` });
    expect(session.status, session.text).toBe(201);
    const link = { code: session.json.code as string, key: session.json.joinKey as string };
    const before = await itemCount();
    const submitted = await inParallel(200, 8, async (i) => {
      const body = { ...submission(`第${i}个人`), session: link };
      return (await files.http.post('/api/submissions', body, { 'X-Altcha': await solveProof(files.http) })).status;
    });
    expect(submitted.filter((status) => status !== 201)).toEqual([]);
    const rated = await inParallel(100, 8, async (i) => {
      const headers = { 'X-Session-Key': link.key, 'X-Altcha': await solveProof(files.http) };
      return (await files.http.post(`/api/public/sessions/${link.code}/ratings`, { score: 1 + (i % 5) }, headers)).status;
    });
    expect(rated.filter((status) => status !== 201)).toEqual([]);
    expect(await itemCount()).toBe(before + 200);
    const ratings = await rowsOf('rating');
    expect(ratings).toHaveLength(100);
  }, 120_000);

  it('answers a write without a proof beyond the allowance with 429, Retry-After and the challenge, and stores nothing', async () => {
    freshWindow();
    for (let i = 0; i < 10; i++) expect((await files.http.post('/api/submissions', submission(`无证明 ${i}`))).status).toBe(201);
    const before = await itemCount();
    const refused = await files.http.post('/api/submissions', submission('第十一个'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.json).toMatchObject({ type: expect.stringMatching(/rate-limited$/), status: 429, challenge: '/api/challenge' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(windowSeconds);
    expect(await itemCount()).toBe(before);
    // The same write with a proof passes: the challenge link is all a client needs.
    expect((await files.http.post('/api/submissions', submission('第十一个'), { 'X-Altcha': await solveProof(files.http) })).status).toBe(201);
  });

  it('refuses a reused proof with 400 proof-used and stores nothing, even when the uses race', async () => {
    freshWindow();
    const proof = await solveProof(files.http);
    const first = await files.http.post('/api/submissions', submission('用过的证明'), { 'X-Altcha': proof });
    expect(first.status).toBe(201);
    const before = await itemCount();
    const again = await files.http.post('/api/submissions', submission('再用一次'), { 'X-Altcha': proof });
    expect(again.status).toBe(400);
    expect(again.json.type).toMatch(/proof-used$/);
    // On a follow-up too: the item is unchanged.
    const key = { 'X-Access-Key': first.json.accessKey };
    const followUp = await files.http.post(`/api/submissions/${first.json.trackingCode}/follow-ups`, { body: '补充' }, { ...key, 'X-Altcha': proof });
    expect(followUp.status).toBe(400);
    expect(followUp.json.type).toMatch(/proof-used$/);
    expect((await files.http.get(`/api/submissions/${first.json.trackingCode}`, key)).json.followUps).toEqual([]);
    // Five writes racing with one fresh proof: exactly one is stored.
    const fresh = await solveProof(files.http);
    const statuses = await Promise.all(Array.from({ length: 5 }, (_, i) => files.http.post('/api/submissions', submission(`抢用 ${i}`), { 'X-Altcha': fresh })));
    expect(statuses.map((r) => r.status).sort()).toEqual([201, 400, 400, 400, 400]);
    for (const r of statuses.filter((r) => r.status === 400)) expect(r.json.type).toMatch(/proof-used$/);
    expect(await itemCount()).toBe(before + 1);
  });

  it('answers a retried Idempotency-Key request with its receipt: not counted again, not refused as proof-used', async () => {
    freshWindow();
    // The allowance is spent first, so every write below needs its proof.
    for (let i = 0; i < 10; i++) await files.http.post('/api/submissions', submission(`占满 ${i}`));
    const proof = await solveProof(files.http);
    const headers = { 'X-Altcha': proof, 'Idempotency-Key': 'room-retry-0001' };
    const first = await files.http.post('/api/submissions', submission('重试'), headers);
    expect(first.status).toBe(201);
    const before = await itemCount();
    const retried = await files.http.post('/api/submissions', submission('重试'), headers);
    expect(retried.status).toBe(201);
    expect(retried.json).toEqual(first.json);
    // A retry racing its twin: both get the one receipt.
    const twinHeaders = { 'X-Altcha': await solveProof(files.http), 'Idempotency-Key': 'room-retry-0002' };
    const twins = await Promise.all([files.http.post('/api/submissions', submission('并发重试'), twinHeaders), files.http.post('/api/submissions', submission('并发重试'), twinHeaders)]);
    expect(twins.map((r) => r.status)).toEqual([201, 201]);
    expect(twins[0]!.json).toEqual(twins[1]!.json);
    expect(await itemCount()).toBe(before + 1);
  });

  it('refuses an unreadable, forged, wrong or expired proof with 400 and a clear type, and stores nothing', async () => {
    freshWindow();
    const before = await itemCount();
    const post = (proof: string) => files.http.post('/api/submissions', submission('坏证明'), { 'X-Altcha': proof });
    const decode = (proof: string) => JSON.parse(Buffer.from(proof, 'base64').toString('utf8'));
    const encode = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64');
    const proof = decode(await solveProof(files.http));
    for (const bad of [
      'not base64 at all!',
      encode({ challenge: proof.challenge }),
      encode({ ...proof, solution: { ...proof.solution, derivedKey: '00'.repeat(32) } }),
      encode({ ...proof, challenge: { ...proof.challenge, parameters: { ...proof.challenge.parameters, cost: 2 } } }),
      encode({ ...proof, challenge: { ...proof.challenge, signature: 'ab'.repeat(32) } }),
    ]) {
      const refused = await post(bad);
      expect(refused.status, bad.slice(0, 40)).toBe(400);
      expect(refused.json.type).toMatch(/proof-invalid$/);
    }
    // A challenge fetched eleven minutes ago (the stack's clock moved on) has expired.
    files.stack.clock.set(new Date(files.stack.clock.now().getTime() + 11 * 60_000));
    const expired = await post(encode(proof));
    expect(expired.status).toBe(400);
    expect(expired.json.type).toMatch(/proof-expired$/);
    expect(await itemCount()).toBe(before);
  });

  it('leaves no address and no unkeyed hash of one in the table or its stream', async () => {
    files.stack.clock.set(null);
    await files.stack.drainTally();
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const { client, tableName } = files.stack.deps.db;
    // Scans are fine in a test that inspects everything stored; no request path scans.
    const rows: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
      rows.push(...page.Items!);
      start = page.LastEvaluatedKey;
    } while (start);
    const streamRecords = await readWholeStream(files.stack);
    const stored = JSON.stringify(rows);
    const streamed = JSON.stringify(streamRecords);
    expect(stored).toContain('RATE#');
    expect(stored).toContain('PROOF#');
    expect(streamRecords.length).toBeGreaterThan(rows.length / 2);
    const address = '127.0.0.1';
    const forms = addressForms(address, windowsUsed);
    for (const form of forms) {
      expect(stored.includes(form), `table holds ${form}`).toBe(false);
      expect(streamed.includes(form), `stream holds ${form}`).toBe(false);
    }
  });
});

/** The address as text and every unkeyed hash a reader could compute of it (with and without a window), in hex and base64. */
const addressForms = (address: string, windows: readonly number[]): string[] => {
  const inputs = [address, `::ffff:${address}`];
  for (const start of windows) {
    for (const seconds of [windowSeconds]) {
      inputs.push(`${start}\0${address}`, `${address}\0${start}`, `yijian-rate\0${start}\0${address}`, `${start}${address}`, `${address}${start}`, `${seconds}\0${start}\0${address}`);
    }
  }
  const forms = [address, Buffer.from(address).toString('hex'), Buffer.from(address).toString('base64')];
  for (const input of inputs) {
    for (const algorithm of ['sha256', 'sha1', 'md5', 'sha512']) {
      const digest = createHash(algorithm).update(input).digest();
      forms.push(digest.toString('hex'), digest.toString('hex').slice(0, 32), digest.toString('base64'), digest.toString('base64url').slice(0, 22));
    }
  }
  return forms;
};

/** Every record of the table's stream, from the start, as the local stream poller reads it. */
const readWholeStream = async (stack: LocalStack): Promise<unknown[]> => {
  const { DynamoDBClient, DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBStreamsClient, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand } = await import('@aws-sdk/client-dynamodb-streams');
  const config = { endpoint: stack.dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const { Table } = await new DynamoDBClient(config).send(new DescribeTableCommand({ TableName: stack.tableName }));
  const streams = new DynamoDBStreamsClient(config);
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }));
  const records: unknown[] = [];
  for (const shard of StreamDescription!.Shards!) {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: Table!.LatestStreamArn!, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      records.push(...page.Records!);
      // An open shard always has a next iterator: its end, for now, is the first empty page.
      if (page.Records!.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
};
