import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { captureOutput } from '../support/captured-output';
import { leakPattern, useTestStack, type ApiResponse } from '../support/stack';
import { startRobotReceiver, type RobotReceiver } from '../support/robot-receiver';
import { ownUnit, people } from '../support/staff-people';

/**
 * Group chats (API.md v2, "Group chats") on the real local stack: the directory gives a group four
 * robots (WeCom, DingTalk, Feishu, generic) and the office one; the local stack posts to robots on
 * 127.0.0.1 for real, here a receiver of the test's. Each robot gets each notice once, in its
 * service's format, whatever the robot's failures (retried, kept, redriven), and the e-mail goes
 * out once beside them. A robot's URL (its key) is never shown: not in the outbox, not in kept
 * notices, not in a 400.
 */
const files = useTestStack({ sweepIntervalSeconds: 0, retryBaseMs: 5 });
const output = captureOutput();
let robot: RobotReceiver;
const tokens: Record<string, string> = {};
const secrets = ['wecom-secret-1', 'ding-secret-2', 'feishu-secret-3', 'generic-secret-4', 'office-secret-5'];
const group = demoDirectory.groups.find((g) => g.id === ownUnit.groupId)!;

const as = (who: 'office' | 'own') => ({ authorization: `Bearer ${tokens[who]}` });
const putDirectory = (doc: unknown) => files.http.call('PUT', '/api/admin/directory', { body: doc, headers: as('office') });
const drain = () => files.stack.drainNotifications(30_000);
const outbox = () => files.stack.outbox.list();

beforeAll(async () => {
  robot = await startRobotReceiver();
  for (const who of ['office', 'own'] as const) tokens[who] = await files.stack.issuer.issue(people[who]);
  const directory = (await files.http.get('/api/admin/directory', as('office'))).json;
  const groups = directory.groups.map((g: { id: string }) =>
    g.id === group.id
      ? {
          ...g,
          webhooks: [
            { kind: 'wecom', url: `${robot.url}/wecom?key=${secrets[0]}` },
            { kind: 'dingtalk', url: `${robot.url}/dingtalk?access_token=${secrets[1]}` },
            { kind: 'feishu', url: `${robot.url}/feishu/${secrets[2]}` },
            { kind: 'generic', url: `${robot.url}/generic?token=${secrets[3]}` },
          ],
        }
      : g,
  );
  const put = await putDirectory({ ...directory, groups, officeWebhooks: [{ kind: 'generic', url: `${robot.url}/office?token=${secrets[4]}` }] });
  expect(put.status, put.text).toBe(200);
});
afterAll(async () => {
  await robot?.stop();
});

const submit = async () => {
  const r = await files.http.post('/api/submissions', { kind: 'question', title: '群机器人通知', body: '这条事项的通知应当发到群里。', anonymous: true, unitId: ownUnit.id });
  expect(r.status, r.text).toBe(201);
  return r.json.trackingCode as string;
};
/** What the robot at `path` took about the item `code`. */
const took = (path: string, code: string) => robot.to(path).filter((r) => JSON.stringify(r.body).includes(code));
const mailsFor = (code: string) => outbox().filter((e) => e.channel === undefined && e.status === 'sent' && e.subject.includes(code));
const expectNoSecret = (text: string) => {
  for (const secret of secrets) expect(text).not.toContain(secret);
};
const keptNotices = async () => {
  const r = await files.http.get('/api/admin/notices', as('office'));
  expect(r.status, r.text).toBe(200);
  expectNoSecret(r.text);
  return r.json.notices as { id: string; trackingCode: string; kind: string; channel: string; to: string[]; reason: string; attempts: number }[];
};
const host = () => new URL(robot.url).host;

describe('a group’s robots', () => {
  it('get a notice once each, in the formats of WeCom, DingTalk, Feishu and the generic JSON, beside the e-mail', async () => {
    const code = await submit();
    await drain();
    const [mail] = mailsFor(code);
    expect(mailsFor(code)).toHaveLength(1);
    expect(mail.to).toEqual(group.notifyEmails);

    const [wecom] = took('/wecom', code);
    expect(took('/wecom', code)).toHaveLength(1);
    expect(wecom.body).toEqual({ msgtype: 'markdown', markdown: { content: expect.stringContaining(code) } });
    expect(wecom.body.markdown.content).toContain(`**${mail.subject}**`);
    expect(new TextEncoder().encode(wecom.body.markdown.content).length).toBeLessThanOrEqual(4096);

    const [ding] = took('/dingtalk', code);
    expect(took('/dingtalk', code)).toHaveLength(1);
    expect(ding.body).toEqual({ msgtype: 'markdown', markdown: { title: mail.subject, text: expect.stringContaining(code) } });
    expect(ding.body.markdown.text).toContain('意见箱');

    const [feishu] = took(`/feishu/${secrets[2]}`, code);
    expect(took(`/feishu/${secrets[2]}`, code)).toHaveLength(1);
    expect(feishu.body).toMatchObject({ msg_type: 'post', content: { post: { zh_cn: { title: mail.subject } } } });
    const lines = feishu.body.content.post.zh_cn.content as { tag: string; text: string }[][];
    expect(lines.every((line) => line.length === 1 && line[0].tag === 'text')).toBe(true);
    expect(lines.map((line) => line[0].text).join('\n')).toBe(mail.text);

    const [generic] = took('/generic', code);
    expect(took('/generic', code)).toHaveLength(1);
    expect(generic.body).toEqual({ kind: 'assigned', trackingCode: code, subject: mail.subject, text: mail.text });
    // Assignment is the group's business, not the office's.
    expect(took('/office', code)).toEqual([]);

    // The outbox records each robot's delivery, named by service and host, never by its URL.
    const robots = outbox().filter((e) => e.channel === 'webhook' && e.subject.includes(code));
    expect(robots.map((e) => e.to).sort()).toEqual([[`dingtalk:${host()}`], [`feishu:${host()}`], [`generic:${host()}`], [`wecom:${host()}`]]);
    expect(robots.every((e) => e.status === 'sent' && e.subject === mail.subject)).toBe(true);
    expectNoSecret(readFileSync(files.stack.outbox.file, 'utf8'));
    expect(await keptNotices()).toEqual([]);
  });

  it('a unit’s robot gets what its rectification liaisons get (a plan), once, never the group’s notices', async () => {
    const directory = (await files.http.get('/api/admin/directory', as('office'))).json;
    const units = directory.units.map((u: { id: string }) => (u.id === ownUnit.id ? { ...u, webhooks: [{ kind: 'generic', url: `${robot.url}/unit?token=${secrets[3]}` }] } : u));
    expect((await putDirectory({ ...directory, units })).status).toBe(200);
    const code = await submit();
    const version = (await files.http.get(`/api/items/${code}`, as('own'))).json.version as number;
    const plan = { unitId: ownUnit.id, measures: '建立制度。', standard: '制度印发。', deadline: '2099-12-31' };
    const planned = await files.http.call('PUT', `/api/items/${code}/rectification`, { body: plan, headers: { ...as('own'), 'if-match': `"${version}"` } });
    expect(planned.status, planned.text).toBe(200);
    await drain();
    await drain();
    expect(took('/unit', code).map((r) => r.body.kind)).toEqual(['rect-plan']);
    const [mail] = outbox().filter((e) => e.channel === undefined && e.status === 'sent' && e.subject.includes(code) && e.subject.includes('整改任务'));
    expect(mail.to).toEqual(ownUnit.liaisonEmails);
    expect(took('/unit', code)[0].body).toMatchObject({ trackingCode: code, subject: mail.subject, text: mail.text });
    expect(took('/generic', code).map((r) => r.body.kind)).toEqual(['assigned']);
  });

  it('the office’s robot gets what the office’s addresses get (an extension request)', async () => {
    const code = await submit();
    const asked = await files.http.call('POST', `/api/items/${code}/extension`, { body: { workingDays: 2, reason: '需要协调两个单位' }, headers: as('own') });
    expect(asked.status, asked.text).toBe(201);
    await drain();
    expect(took('/office', code)).toEqual([{ path: expect.stringMatching(/^\/office\?token=/), body: expect.objectContaining({ kind: 'extension-request', trackingCode: code }) }]);
    expect(took('/generic', code).map((r) => r.body.kind)).toEqual(['assigned']);
  });

  it('a robot that fails three times (a 503, a refusal in the body, a cut connection) then recovers gets the notice once; nothing else is sent twice', async () => {
    const answers = [{ status: 503 }, { status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } }, 'drop'] as const;
    robot.respond('/wecom', (n) => answers[n - 1] ?? { status: 200, body: { errcode: 0, errmsg: 'ok' } });
    const code = await submit();
    await drain();
    expect(robot.hits('/wecom')).toBe(4);
    expect(took('/wecom', code)).toHaveLength(1);
    for (const path of ['/dingtalk', `/feishu/${secrets[2]}`, '/generic']) expect(took(path, code), path).toHaveLength(1);
    expect(mailsFor(code)).toHaveLength(1);
    expect(await keptNotices()).toEqual([]);
    robot.respond('/wecom', () => ({ status: 200, body: { errcode: 0 } }));
  });

  it('a robot that keeps failing is kept (its URL never shown), the e-mail and the other robots unaffected; a redrive posts it once', async () => {
    robot.respond('/generic', () => ({ status: 500 }));
    const code = await submit();
    await drain();
    expect(robot.hits('/generic')).toBe(6);
    expect(took('/generic', code)).toEqual([]);
    expect(mailsFor(code)).toHaveLength(1);
    for (const path of ['/wecom', '/dingtalk', `/feishu/${secrets[2]}`]) expect(took(path, code), path).toHaveLength(1);

    const [notice] = (await keptNotices()).filter((n) => n.trackingCode === code);
    expect(notice).toMatchObject({ kind: 'assigned', channel: 'webhook', to: [`generic:${host()}`], reason: 'WebhookHttp500', attempts: 1 });
    // The keeping was logged (the alarm's line), by deduplication key and reason, never by URL.
    expect(output.lines().find((l) => l.message === 'notification kept')).toMatchObject({ dedupKey: expect.stringMatching(/#assigned@wh-[0-9a-f]{12}$/), reason: 'WebhookHttp500' });
    expectNoSecret(output.text());

    robot.respond('/generic', () => ({ status: 200, body: {} }));
    const redriven = await files.http.call('POST', `/api/admin/notices/${notice.id}/redrive`, { headers: as('office') });
    expect(redriven.status, redriven.text).toBe(202);
    await drain();
    expect(took('/generic', code)).toHaveLength(1);
    expect(took('/generic', code)[0].body).toMatchObject({ kind: 'assigned', trackingCode: code });
    expect((await keptNotices()).filter((n) => n.trackingCode === code)).toEqual([]);
    expect(mailsFor(code)).toHaveLength(1);
  });
});

describe('robots in the directory', () => {
  const expectRefused = (r: ApiResponse, paths: string[]) => {
    expect(r.status, r.text).toBe(400);
    expect(r.text).not.toMatch(leakPattern);
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual(paths);
  };

  it('take https addresses (http only on 127.0.0.1), each robot once; a refusal never repeats the address', async () => {
    const directory = (await files.http.get('/api/admin/directory', as('office'))).json;
    const withRobots = (webhooks: unknown[]) => ({ ...directory, groups: directory.groups.map((g: object, i: number) => (i === 0 ? { ...g, webhooks } : g)) });
    const plain = 'http://robots.example.cn/send?key=plain-secret';
    const insecure = await putDirectory(withRobots([{ kind: 'wecom', url: plain }]));
    expectRefused(insecure, ['groups.0.webhooks.0.url']);
    const twice = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=twice-secret';
    const duplicate = await putDirectory(withRobots([{ kind: 'wecom', url: twice }, { kind: 'wecom', url: twice }]));
    expectRefused(duplicate, ['groups.0.webhooks.1.url']);
    expectRefused(await putDirectory(withRobots([{ kind: 'slack', url: twice }])), ['groups.0.webhooks.0.kind']);
    expect(insecure.text).not.toContain('plain-secret');
    expect(duplicate.text).not.toContain('twice-secret');
    expect((await files.http.get('/api/admin/directory', as('office'))).json).toEqual(directory);
  });
});
