import { describe, expect, it } from 'vitest';
import { noticeKindOf, notificationDedupKey, webhookDedupKey } from '../../shared/data/keys';
import { deliveries, together } from '../../shared/notify/recipients';
import { cutToBytes, robotBody, robotRefusal } from '../../shared/notify/robot-messages';
import { webhookLabel, webhookTag } from '../../shared/notify/webhook-sender';
import { directorySchema } from '../../shared/schemas/directory';
import { isWebhookUrl } from '../../shared/schemas/webhook';
import { demoDirectory } from '../../shared/demo/directory';

const notice = { kind: 'overdue', trackingCode: 'YJ-7K3M-Q9TX', subject: '【意见箱】事项已超期 YJ-7K3M-Q9TX', text: '第一行\n第二行\n' };
const wecom = { kind: 'wecom' as const, url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-a' };
const feishu = { kind: 'feishu' as const, url: 'https://open.feishu.cn/open-apis/bot/v2/hook/secret-b' };

describe('robot messages', () => {
  it('cut long text to the services’ byte limit on whole characters, and leave short text alone', () => {
    expect(cutToBytes('短文本')).toBe('短文本');
    const long = '汉'.repeat(3000); // 9,000 bytes
    const cut = cutToBytes(long);
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(4000);
    expect(cut.endsWith('\n……')).toBe(true);
    expect(cut.replace('\n……', '')).toMatch(/^汉+$/);
    const wecomBody = robotBody('wecom', { ...notice, text: long }) as { markdown: { content: string } };
    expect(new TextEncoder().encode(wecomBody.markdown.content).length).toBeLessThanOrEqual(4096);
  });

  it('are in each service’s format', () => {
    expect(robotBody('wecom', notice)).toEqual({ msgtype: 'markdown', markdown: { content: `**${notice.subject}**\n\n${notice.text}` } });
    expect(robotBody('dingtalk', notice)).toEqual({ msgtype: 'markdown', markdown: { title: notice.subject, text: `#### ${notice.subject}\n\n第一行  \n第二行  \n` } });
    expect(robotBody('feishu', notice)).toEqual({
      msg_type: 'post',
      content: { post: { zh_cn: { title: notice.subject, content: [[{ tag: 'text', text: '第一行' }], [{ tag: 'text', text: '第二行' }], [{ tag: 'text', text: '' }]] } } },
    });
    expect(robotBody('generic', notice)).toEqual(notice);
  });

  it('read a refusal from the services’ answers, by code only', () => {
    expect(robotRefusal({ errcode: 0, errmsg: 'ok' })).toBeNull();
    expect(robotRefusal({ code: 0, msg: 'success' })).toBeNull();
    expect(robotRefusal({ StatusCode: 0 })).toBeNull();
    expect(robotRefusal(null)).toBeNull();
    expect(robotRefusal('ok')).toBeNull();
    expect(robotRefusal({ errcode: 93000, errmsg: 'invalid webhook url' })).toBe(93000);
    expect(robotRefusal({ code: 19001, msg: 'param invalid: incoming webhook access token invalid' })).toBe(19001);
  });
});

describe('robot deliveries', () => {
  it('name a robot by service and host, and key it by a hash that tells nothing of its URL', () => {
    expect(webhookLabel(wecom)).toBe('wecom:qyapi.weixin.qq.com');
    expect(webhookLabel(feishu)).toBe('feishu:open.feishu.cn');
    expect(webhookTag(wecom)).toMatch(/^wh-[0-9a-f]{12}$/);
    expect(webhookTag(wecom)).not.toBe(webhookTag(feishu));
    const key = webhookDedupKey(notificationDedupKey('YJ-7K3M-Q9TX', 3, 'assigned'), webhookTag(wecom));
    expect(noticeKindOf(key)).toEqual({ kind: 'assigned', webhookTag: webhookTag(wecom) });
    expect(noticeKindOf('YJ-7K3M-Q9TX#3#assigned')).toEqual({ kind: 'assigned' });
  });

  it('are one e-mail to every address and one post per distinct robot, each with a key of its own', () => {
    const recipient = together({ emails: ['a@x.cn', 'b@x.cn'], webhooks: [wecom, feishu] }, { emails: ['b@x.cn'], webhooks: [wecom] });
    const planned = deliveries('YJ-7K3M-Q9TX', 3, 'assigned', recipient, (to) => ({ to, subject: 's', text: 't' }));
    expect(planned.map((p) => p.dedupKey)).toEqual(['YJ-7K3M-Q9TX#3#assigned', `YJ-7K3M-Q9TX#3#assigned@${webhookTag(wecom)}`, `YJ-7K3M-Q9TX#3#assigned@${webhookTag(feishu)}`]);
    expect(planned[0].message).toEqual({ to: ['a@x.cn', 'b@x.cn'], subject: 's', text: 't' });
    expect(planned[1].message).toEqual({ to: ['wecom:qyapi.weixin.qq.com'], subject: 's', text: 't', webhook: wecom, about: { kind: 'assigned', trackingCode: 'YJ-7K3M-Q9TX' } });
    // No addresses, no robots: nothing.
    expect(deliveries('YJ-7K3M-Q9TX', 3, 'assigned', { emails: [], webhooks: [] }, (to) => ({ to, subject: 's', text: 't' }))).toEqual([]);
  });
});

describe('robot addresses', () => {
  it('are https, or http on 127.0.0.1 only, without credentials', () => {
    expect(isWebhookUrl(wecom.url)).toBe(true);
    expect(isWebhookUrl('http://127.0.0.1:8080/hook')).toBe(true);
    for (const bad of ['http://qyapi.weixin.qq.com/x', 'http://localhost/x', 'ftp://x.cn/y', 'https://user:pw@x.cn/y', 'not a url', `https://x.cn/${'a'.repeat(1000)}`]) {
      expect(isWebhookUrl(bad), bad).toBe(false);
    }
  });

  it('are optional in the directory, on groups and for the office, five at most', () => {
    expect(directorySchema.safeParse(demoDirectory).success).toBe(true);
    const six = Array.from({ length: 6 }, (_, i) => ({ kind: 'generic', url: `https://x.cn/${i}` }));
    const r = directorySchema.safeParse({ ...demoDirectory, officeWebhooks: six });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['officeWebhooks']);
    expect(directorySchema.safeParse({ ...demoDirectory, officeWebhooks: six.slice(0, 5) }).success).toBe(true);
  });
});
