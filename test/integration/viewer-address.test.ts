import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import type { Api } from '../support/stack';

/**
 * Behind CloudFront every request reaches the gateway from a CloudFront server's address. Here the
 * test plays CloudFront: every request comes from one socket address (127.0.0.1) and carries the
 * headers our distribution adds (infra/site-distribution.ts), with the right origin secret or a wrong one.
 *
 * The limit is 2 public writes per client per day: a window far longer than this file, so no window
 * boundary falls inside it. The environment is set before any handler module is loaded: they read
 * it once, at module load, as deployed (hence the dynamic imports).
 */
const secret = 'ViewerAddressTestSecret0123456789abcdefghijklmn';
process.env.YIJIAN_RATE_LIMIT = '2/86400';
process.env.YIJIAN_ORIGIN_VERIFY_SECRET = secret;

let stack: LocalStack;
let http: Api;
beforeAll(async () => {
  const { api, startTestStack } = await import('../support/stack');
  stack = await startTestStack();
  http = api(stack.url);
});
afterAll(async () => {
  await stack?.stop();
});

const submission = (title: string) => ({ kind: 'suggestion', title, body: '同一个培训教室', anonymous: true });
/** A request as our CloudFront forwards it: the viewer's address, and the origin secret (or a guess). */
const viaCloudFront = (viewer: string, verify = secret) => ({ 'X-Yijian-Viewer-Ip': viewer, 'X-Origin-Verify': verify });
const submitAs = async (headers: Record<string, string>, title: string) => (await http.post('/api/submissions', submission(title), headers)).status;

describe('per-client limits behind CloudFront (YIJIAN_RATE_LIMIT=2/86400)', () => {
  it('give each viewer its own limit when the origin secret is right, whatever the socket address', async () => {
    // Two people in one training room, on two phones with their own addresses.
    expect(await submitAs(viaCloudFront('198.51.100.10'), '甲一')).toBe(201);
    expect(await submitAs(viaCloudFront('198.51.100.10:51000'), '甲二')).toBe(201);
    expect(await submitAs(viaCloudFront('198.51.100.10'), '甲三')).toBe(429);
    // The first one's limit is spent; the second one's is not.
    expect(await submitAs(viaCloudFront('198.51.100.20'), '乙一')).toBe(201);
    expect(await submitAs(viaCloudFront('::ffff:198.51.100.20'), '乙二')).toBe(201);
    expect(await submitAs(viaCloudFront('198.51.100.20'), '乙三')).toBe(429);
    // Follow-ups count too, per viewer.
    const third = await http.post('/api/submissions', submission('丙一'), viaCloudFront('198.51.100.30'));
    expect(third.status).toBe(201);
    const key = { 'X-Access-Key': third.json.accessKey };
    const followUp = (viewer: string) =>
      http.post(`/api/submissions/${third.json.trackingCode}/follow-ups`, { body: '补充' }, { ...key, ...viaCloudFront(viewer) });
    expect((await followUp('198.51.100.30')).status).toBe(201);
    expect((await followUp('198.51.100.30')).status).toBe(429);
    expect((await followUp('198.51.100.31')).status).toBe(201);
  });

  it('count an IPv6 viewer by its /64: new addresses in it are the same client, the next /64 another', async () => {
    expect(await submitAs(viaCloudFront('2001:db8:42:1::a'), '丁一')).toBe(201);
    expect(await submitAs(viaCloudFront('2001:db8:42:1:8d2e:11ff:fe00:7'), '丁二')).toBe(201);
    expect(await submitAs(viaCloudFront('[2001:db8:42:1::ffff]:443'), '丁三')).toBe(429);
    expect(await submitAs(viaCloudFront('2001:db8:42:2::a'), '戊一')).toBe(201);
  });

  it('put every request without the right secret under the socket address\'s one limit, whatever viewer it names', async () => {
    // A client calling the API Gateway URL directly can name any viewer, but cannot know the secret.
    expect(await submitAs(viaCloudFront('203.0.113.1', 'a-guess-at-the-secret'), '己一')).toBe(201);
    expect(await submitAs(viaCloudFront('203.0.113.2', `${secret}x`), '己二')).toBe(201);
    expect(await submitAs(viaCloudFront('203.0.113.3', 'a-guess-at-the-secret'), '己三')).toBe(429);
    expect(await submitAs({ 'X-Yijian-Viewer-Ip': '203.0.113.4' }, '己四')).toBe(429);
    expect(await submitAs({}, '己五')).toBe(429);
    // A malformed viewer address with the right secret falls back to the socket address as well.
    expect(await submitAs(viaCloudFront('203.0.113.5, 203.0.113.6'), '己六')).toBe(429);
    expect(await submitAs(viaCloudFront('not-an-address'), '己七')).toBe(429);
    // Viewers with the right secret are still counted by their own address.
    expect(await submitAs(viaCloudFront('203.0.113.7'), '庚一')).toBe(201);
  });

  it('store no viewer address and no secret, only hashes', async () => {
    const { client: dynamo, tableName } = stack.deps.db;
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    // A Scan is fine in a test that inspects everything stored; no request path scans.
    const all = JSON.stringify((await dynamo.send(new ScanCommand({ TableName: tableName }))).Items);
    expect(all).toContain('RATE#');
    for (const raw of ['198.51.100.', '2001:db8', '203.0.113.', '127.0.0.1', secret]) expect(all).not.toContain(raw);
  });
});
