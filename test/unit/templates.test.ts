import { describe, expect, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { templates, type ItemFacts, type Message } from '../../shared/notify/templates';
import { kinds } from '../../shared/schemas/directory';

/**
 * Every e-mail yijian sends, as text: Chinese first, English below, the facts a recipient needs
 * (code, kind, unit, title, due date in the campaign's time zone), and nothing of the submitter's.
 */

const unit = demoDirectory.units.find((u) => u.id === 'u01')!;
const group = demoDirectory.groups.find((g) => g.id === unit.groupId)!;
const to = ['someone@yijian.example'];

/** An item as stored, with everything a template must never show. */
const stored = {
  trackingCode: 'YJ-7K3M-Q9TR',
  kind: 'question',
  title: '培训时间能否调整',
  body: '正文里的内容只在系统里看。BODY-SECRET',
  status: 'assigned',
  unitId: unit.id,
  groupId: group.id,
  phase: 'study',
  createdAt: '2026-12-07T02:00:00.000Z',
  updatedAt: '2026-12-07T02:00:00.000Z',
  // 16:30 UTC on 30 November is 00:30 on 1 December in Shanghai.
  dueAt: '2026-11-30T16:30:00.000Z',
  version: 3,
  accessKeyHash: 'HASH-SECRET-0123456789abcdef',
  anonymous: false,
  contact: { name: '王小明', email: 'wang.secret@example.com', phone: '+86 138 0013 8000' },
  recommended: false,
} as const satisfies ItemFacts & Record<string, unknown>;

const secrets = [stored.body, 'BODY-SECRET', stored.accessKeyHash, stored.contact.name, stored.contact.email, stored.contact.phone];

const all = (): [string, Message][] => [
  ['assigned', templates.assigned(stored, demoDirectory, to)],
  ['reopened', templates.reopened(stored, demoDirectory, to)],
  ['reminder', templates.reminder(stored, demoDirectory, to)],
  ['overdue', templates.overdue(stored, demoDirectory, to)],
  ['reply', templates.reply(stored, { body: '已经调整。', groupName: group.name }, `https://yijian.example/track#${stored.trackingCode}`, to)],
  ['received', templates.received(stored, demoDirectory, `https://yijian.example/track#${stored.trackingCode}`, to)],
];

describe('templates', () => {
  it('address exactly the recipients given and name the tracking code in the subject', () => {
    const subjects = new Set<string>();
    for (const [name, message] of all()) {
      expect(message.to, name).toEqual(to);
      expect(message.subject, name).toContain(stored.trackingCode);
      expect(message.subject, name).toMatch(/^【意见箱】/);
      subjects.add(message.subject);
    }
    expect(subjects.size).toBe(all().length);
  });

  it('give staff the code, kind, unit, title and due date in Chinese and in English', () => {
    const kind = kinds.find((k) => k.id === 'question')!;
    for (const name of ['assigned', 'reopened', 'reminder', 'overdue'] as const) {
      const { text } = templates[name](stored, demoDirectory, to);
      for (const fact of [stored.trackingCode, kind.name, kind.nameEn, unit.name, stored.title, '2026年12月1日', '1 December 2026']) {
        expect(text, `${name}: ${fact}`).toContain(fact);
      }
      // Chinese first, English below.
      expect(text.indexOf('跟踪码')).toBeLessThan(text.indexOf('Tracking code'));
      expect(text.endsWith('\n')).toBe(true);
    }
  });

  it('name the group on the new-item and overdue e-mails', () => {
    expect(templates.assigned(stored, demoDirectory, to).text).toContain(group.name);
    expect(templates.overdue(stored, demoDirectory, to).text).toContain(group.name);
  });

  it('say so when there is no due date, no unit or no group', () => {
    const bare: ItemFacts = { trackingCode: stored.trackingCode, kind: 'suggestion', title: '无单位' };
    const { text } = templates.overdue(bare, demoDirectory, to);
    expect(text).toContain('未设定');
    expect(text).toContain('not set');
    expect(text).toContain('（未选择单位）');
    expect(text).toContain('(no unit)');
    expect(text).toContain('领导小组办公室');
    expect(text).not.toContain('undefined');
    expect(text).not.toContain('Invalid');
  });

  it('give the submitter the reply and a tracking link, not the key', () => {
    const url = `https://yijian.example/track#${stored.trackingCode}`;
    const { text } = templates.reply(stored, { body: '已经调整到周五下午。\n第二行。', groupName: group.name }, url, ['wang.secret@example.com']);
    expect(text).toContain('已经调整到周五下午。\n第二行。');
    expect(text).toContain(group.name);
    expect(text).toContain(stored.title);
    expect(text).toContain(url);
    expect((text.match(/https?:\/\/\S+/g) ?? []).every((u) => u === url)).toBe(true);
    expect(text).toMatch(/密钥/);
  });

  it('never show the body, the contact or anything of the access key, whatever the item carries', () => {
    for (const [name, message] of all()) {
      const json = JSON.stringify({ subject: message.subject, text: message.text });
      for (const secret of secrets) expect(json, `${name}: ${secret}`).not.toContain(secret);
      expect(message.text, name).not.toMatch(/accessKey|access key|X-Access-Key|key=/i);
    }
  });

  it('keep what the submitter typed out of the subject, so no header can be smuggled in', () => {
    const nasty = { ...stored, title: '标题\r\nBcc: attacker@example.com\r\n' };
    for (const name of ['assigned', 'reopened', 'reminder', 'overdue'] as const) {
      const { subject } = templates[name](nasty, demoDirectory, to);
      expect(subject).not.toMatch(/[\r\n]/);
      expect(subject).not.toContain('attacker');
    }
    const reply = templates.reply(nasty, { body: 'x', groupName: group.name }, 'https://yijian.example/track#x', to);
    expect(reply.subject).not.toMatch(/[\r\n]|attacker/);
    expect(templates.received(nasty, demoDirectory, 'https://yijian.example/track#x', to).subject).not.toMatch(/[\r\n]|attacker/);
  });

  it('use the campaign time zone for the day, not the server’s or UTC', () => {
    const endOfDay = { ...stored, dueAt: '2026-12-14T15:59:59.999Z' };
    expect(templates.assigned(endOfDay, demoDirectory, to).text).toContain('2026年12月14日星期一');
    expect(templates.assigned(endOfDay, demoDirectory, to).text).toContain('Monday, 14 December 2026');
    expect(templates.assigned(endOfDay, demoDirectory, to).text).not.toMatch(/15:59|23:59/);
    const nextDay = { ...stored, dueAt: '2026-12-14T16:00:00.000Z' };
    expect(templates.assigned(nextDay, demoDirectory, to).text).toContain('2026年12月15日星期二');
    const elsewhere = { ...demoDirectory, campaign: { ...demoDirectory.campaign, timezone: 'America/New_York' } };
    expect(templates.assigned(stored, elsewhere, to).text).toContain('30 November 2026');
  });
});
