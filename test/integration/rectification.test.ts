import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { xlsxContentType } from '../../shared/http/headers';
import { staffTokenHeader } from '../../shared/http/staff-token';
import { demoDirectory } from '../../shared/demo/directory';
import { phoneJpeg, uploadAttachment } from '../support/attachments';
import { useClockedStack } from '../support/clocked-stack';
import { leakPattern, type ApiResponse } from '../support/stack';
import { OTHER, OWN, ownUnit, type Person } from '../support/staff-people';

/**
 * Rectification (整改, API.md v2) on the real local stack: the whole loop plan → liaison progress →
 * done → returned → progress → done → verified, every role's allowed and refused actions, what a
 * liaison sees (never contact details, notes or who submitted), history and the liaisons' notices
 * exactly once (the sweeper run again and again with the clock moved), the ledger with its filters
 * and cursor, and what the submitter reads on the tracking page.
 */

const env = useClockedStack();

/** Monday 7 December 2026, 10:00 in Shanghai. */
const T0 = new Date('2026-12-07T02:00:00.000Z');
const at10 = (date: string) => new Date(`${date}T10:00:00.000+08:00`);
const otherUnit = demoDirectory.units.find((u) => u.groupId === OWN && u.id !== ownUnit.id)!;
const liaisonMail = ownUnit.liaisonEmails![0];
const contact = { name: '钱提交', email: 'qian.submitter@example.com', phone: '+86 138 0000 1111' };
const plan = { unitId: ownUnit.id, measures: '制定学习制度，每周五集中学习并公示记录。', standard: '制度印发，连续四周学习记录齐全。', deadline: '2026-12-18' };

type Caller = Person | 'liaison' | 'otherLiaison';
const tokens: Partial<Record<Caller, string>> = {};
const as = (who: Caller) => {
  const headers = (version?: number) => ({ authorization: `Bearer ${tokens[who] ?? env.tokens[who as Person]}`, ...(version !== undefined ? { 'if-match': `"${version}"` } : {}) });
  return {
    get: (path: string) => env.http.call('GET', path, { headers: headers() }),
    post: (path: string, body: unknown, version?: number) => env.http.call('POST', path, { body, headers: headers(version) }),
    put: (path: string, body: unknown, version?: number) => env.http.call('PUT', path, { body, headers: headers(version) }),
  };
};

beforeAll(async () => {
  tokens.liaison = await env.stack.issuer.issue({ sub: 'liaison-u', name: '单位联络员 李', groups: [`unit:${ownUnit.id}`] });
  tokens.otherLiaison = await env.stack.issuer.issue({ sub: 'liaison-v', name: '他单位联络员 吴', groups: [`unit:${otherUnit.id}`] });
});

const expectStatus = (r: ApiResponse, status: number) => {
  expect(r.status, r.text.slice(0, 300)).toBe(status);
  if (status >= 400) {
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.text).not.toMatch(leakPattern);
  }
  return r;
};

const submitProblem = async (title = '学习制度落实不到位') => {
  const r = await env.http.post('/api/submissions', { kind: 'problem', title, body: '单位集中学习流于形式，记录不全。', anonymous: false, contact, unitId: ownUnit.id });
  expectStatus(r, 201);
  expect(r.json.status).toBe('assigned');
  return { code: r.json.trackingCode as string, key: r.json.accessKey as string };
};

const version = async (code: string) => (await as('office').get(`/api/items/${code}`)).json.version as number;
const planned = async (title?: string, body = plan) => {
  const { code, key } = await submitProblem(title);
  expectStatus(await as('own').put(`/api/items/${code}/rectification`, body, await version(code)), 200);
  return { code, key };
};
const liaisonMails = (code: string, subject: RegExp) => env.stack.outbox.list().filter((e) => e.status === 'sent' && e.subject.includes(code) && subject.test(e.subject));

describe('the rectification loop', () => {
  it('plan → liaison progress → done → returned → progress → done → verified, with history and notices once', async () => {
    env.clock.set(T0);
    const { code } = await submitProblem();
    const note = '内部备注：该单位去年也有类似问题。';
    expectStatus(await as('office').post(`/api/items/${code}/replies`, { body: note, visibility: 'internal' }), 201);

    // The plan: If-Match required, stale refused, then recorded.
    expectStatus(await as('own').put(`/api/items/${code}/rectification`, plan), 400);
    const v = await version(code);
    expectStatus(await as('own').put(`/api/items/${code}/rectification`, plan, v - 1), 412);
    const p = expectStatus(await as('own').put(`/api/items/${code}/rectification`, plan, v), 200);
    expect(p.headers.get('etag')).toBe(`"${v + 1}"`);
    expect(p.json.rectification).toMatchObject({ status: 'planned', unitId: ownUnit.id, measures: plan.measures, standard: plan.standard, deadline: plan.deadline, overdue: false, progress: [] });
    // The item's own status is untouched by the rectification.
    expect(p.json.status).toBe('assigned');

    // What the liaison sees: the problem and its rectification, nothing of the submitter or the notes.
    const seen = expectStatus(await as('liaison').get(`/api/items/${code}`), 200);
    expect(seen.json.rectification.status).toBe('planned');
    expect(seen.json.contact).toBeUndefined();
    expect(seen.json.replies).toEqual([]);
    expect(seen.json.followUps).toEqual([]);
    for (const entry of seen.json.history) expect(entry.action).toMatch(/^rectification-/);
    for (const secret of [contact.name, contact.email, contact.phone, note, '提交人']) expect(seen.text).not.toContain(secret);

    // Another unit's liaison: the same 404 as for nothing there.
    const notYours = expectStatus(await as('otherLiaison').get(`/api/items/${code}`), 404);
    expect(notYours.text).toBe(expectStatus(await as('otherLiaison').get('/api/items/YJ-0000-0000'), 404).text);
    expectStatus(await as('otherLiaison').post(`/api/items/${code}/rectification/progress`, { note: '不是我们的' }), 404);

    // Progress from the liaison, with a photo (uploaded with the liaison's token); verification
    // refused to a liaison and before it is handed over.
    const photo = await uploadAttachment(env.http, { fileName: '专题会.jpg', contentType: 'image/jpeg' }, await phoneJpeg(), { authorization: `Bearer ${tokens.liaison}` });
    const first = expectStatus(await as('liaison').post(`/api/items/${code}/rectification/progress`, { note: '已召开专题会部署整改。', attachmentIds: [photo.id] }), 201);
    expect(first.json.rectification.status).toBe('in_progress');
    expect(first.json.rectification.progress[0].attachments).toEqual([{ id: photo.id, fileName: '专题会.jpg', contentType: 'image/jpeg', size: expect.any(Number) }]);
    expect(first.json.contact).toBeUndefined();
    expectStatus(await as('liaison').post(`/api/items/${code}/rectification/verification`, { outcome: 'verified', note: '自己验收' }), 403);
    expectStatus(await as('own').post(`/api/items/${code}/rectification/verification`, { outcome: 'verified', note: '太早' }), 409);
    expectStatus(await as('liaison').post(`/api/items/${code}/rectification/progress`, { note: '制度已印发。', done: true }), 201);
    // Handed over: no more progress, no new plan, until the group decides.
    expectStatus(await as('liaison').post(`/api/items/${code}/rectification/progress`, { note: '再补充' }), 409);
    expectStatus(await as('own').put(`/api/items/${code}/rectification`, plan, await version(code)), 409);

    const returned = expectStatus(await as('own').post(`/api/items/${code}/rectification/verification`, { outcome: 'returned', note: '学习记录不全，请补齐。' }), 200);
    expect(returned.json.rectification).toMatchObject({ status: 'returned', verification: { outcome: 'returned', note: '学习记录不全，请补齐。' } });
    expectStatus(await as('liaison').post(`/api/items/${code}/rectification/progress`, { note: '已补齐四周记录。' }), 201);
    expectStatus(await as('liaison').post(`/api/items/${code}/rectification/progress`, { note: '请复核。', done: true }), 201);
    const verified = expectStatus(await as('office').post(`/api/items/${code}/rectification/verification`, { outcome: 'verified', note: '经核查整改到位，同意销号。' }), 200);
    expect(verified.json.rectification.status).toBe('verified');
    // Signed off: nothing more to report or plan.
    expectStatus(await as('liaison').post(`/api/items/${code}/rectification/progress`, { note: '还有' }), 409);
    expectStatus(await as('own').put(`/api/items/${code}/rectification`, plan, await version(code)), 409);

    const item = (await as('office').get(`/api/items/${code}`)).json;
    expect(item.rectification.progress.map((e: { note: string; done: boolean; by: { name: string } }) => [e.note, e.done, e.by.name])).toEqual([
      ['已召开专题会部署整改。', false, '单位联络员 李'],
      ['制度已印发。', true, '单位联络员 李'],
      ['已补齐四周记录。', false, '单位联络员 李'],
      ['请复核。', true, '单位联络员 李'],
    ]);
    expect(item.history.map((e: { action: string }) => e.action).filter((a: string) => a.startsWith('rectification-'))).toEqual([
      'rectification-plan',
      'rectification-progress',
      'rectification-done',
      'rectification-return',
      'rectification-progress',
      'rectification-done',
      'rectification-verify',
    ]);
    // One version per change, each with its history entry.
    expect(item.history.length).toBe(item.version);

    // The liaisons' notices: the plan and the return, once each, however often the stream is read.
    await env.stack.drainNotifications();
    await env.stack.drainNotifications();
    const plans = liaisonMails(code, /整改任务/);
    const returns = liaisonMails(code, /整改被退回/);
    expect(plans.map((m) => m.to)).toEqual([[liaisonMail]]);
    expect(returns.map((m) => m.to)).toEqual([[liaisonMail]]);
    expect(returns[0].text).toContain('学习记录不全，请补齐。');
    for (const m of [...plans, ...returns]) for (const secret of [contact.name, contact.email, contact.phone]) expect(m.text).not.toContain(secret);
  });

  it('each role: leaders read only, another group sees nothing, a liaison nothing but its unit’s rectifications', async () => {
    env.clock.set(T0);
    const { code } = await planned('角色测试');
    const v = await version(code);
    expectStatus(await as('leader').put(`/api/items/${code}/rectification`, plan, v), 403);
    expectStatus(await as('leader').post(`/api/items/${code}/rectification/progress`, { note: 'x' }), 403);
    expectStatus(await as('leader').post(`/api/items/${code}/rectification/verification`, { outcome: 'verified', note: 'x' }), 403);
    expectStatus(await as('other').put(`/api/items/${code}/rectification`, plan, v), 404);
    expectStatus(await as('other').post(`/api/items/${code}/rectification/progress`, { note: 'x' }), 404);
    expectStatus(await as('liaison').put(`/api/items/${code}/rectification`, plan, v), 403);
    for (const path of ['/api/items', '/api/dashboard', '/api/practices', '/api/sessions', '/api/exports/items.csv', '/api/admin/directory']) {
      expectStatus(await as('liaison').get(path), 403);
    }
    expectStatus(await as('liaison').post(`/api/items/${code}/replies`, { body: '联络员答复', visibility: 'public' }), 403);
    expectStatus(await as('liaison').post(`/api/items/${code}/transition`, { action: 'start' }), 403);
    // The group and the office report progress too; a plan is replaced while planned.
    expectStatus(await as('own').post(`/api/items/${code}/rectification/progress`, { note: '督导组代为报送。' }), 201);
    expectStatus(await as('office').post(`/api/items/${code}/rectification/progress`, { note: '办公室补充。' }), 201);
    expect((await as('office').get(`/api/items/${code}`)).json.version).toBe(v + 2);
  });

  it('refuses a bad plan: an unknown unit, a deadline already past, a rejected item, unknown fields', async () => {
    env.clock.set(T0);
    const { code } = await submitProblem('坏计划');
    const v = await version(code);
    const bad = async (body: unknown, field: string) => {
      const r = expectStatus(await as('own').put(`/api/items/${code}/rectification`, body, v), 400);
      expect(r.json.errors.map((e: { path: string }) => e.path)).toContain(field);
    };
    await bad({ ...plan, unitId: 'u-none' }, 'unitId');
    await bad({ ...plan, deadline: '2026-12-06' }, 'deadline');
    await bad({ ...plan, deadline: '2026-02-30' }, 'deadline');
    await bad({ ...plan, measures: '' }, 'measures');
    await bad({ ...plan, owner: 'x' }, 'owner');
    expectStatus(await as('own').post(`/api/items/${code}/rectification/progress`, { note: '没有计划' }), 409);
    expect(await version(code)).toBe(v);
    expectStatus(await as('office').post(`/api/items/${code}/transition`, { action: 'reject', reason: '不属于本次活动范围。' }), 200);
    expectStatus(await as('office').put(`/api/items/${code}/rectification`, plan, v + 1), 409);
  });
});

describe('the deadline', () => {
  it('reminds the unit’s liaisons once per deadline, and marks the rectification overdue after it', async () => {
    env.clock.set(T0);
    const { code } = await planned('到期提醒');
    const sweepAt = async (date: string) => {
      env.clock.set(at10(date));
      for (let i = 0; i < 3; i++) await env.stack.sweep();
      await env.stack.drainNotifications();
    };
    // Friday 18 December: reminded a working day ahead, on Thursday 17th, once.
    await sweepAt('2026-12-16');
    expect(liaisonMails(code, /整改即将到期/)).toHaveLength(0);
    await sweepAt('2026-12-17');
    await sweepAt('2026-12-18');
    const reminders = liaisonMails(code, /整改即将到期/);
    expect(reminders.map((m) => m.to)).toEqual([[liaisonMail]]);
    expect((await as('office').get(`/api/items/${code}`)).json.rectification.overdue).toBe(false);
    // Monday 21st: overdue, in the item and in the ledger's overdue filter.
    env.clock.set(at10('2026-12-21'));
    expect((await as('office').get(`/api/items/${code}`)).json.rectification.overdue).toBe(true);
    const overdue = expectStatus(await as('office').get('/api/rectifications?overdue=true&limit=100'), 200);
    expect(overdue.json.items.find((r: { trackingCode: string }) => r.trackingCode === code)).toMatchObject({ overdue: true, status: 'planned', deadline: plan.deadline });
    // Done: no longer the unit's to do, so no longer overdue.
    expectStatus(await as('liaison').post(`/api/items/${code}/rectification/progress`, { note: '完成', done: true }), 201);
    const after = (await as('office').get('/api/rectifications?overdue=true&limit=100')).json.items as { trackingCode: string }[];
    expect(after.map((r) => r.trackingCode)).not.toContain(code);
    await sweepAt('2026-12-22');
    expect(liaisonMails(code, /整改即将到期/)).toHaveLength(1);
  });
});

describe('the ledger', () => {
  it('lists by role and filter, earliest deadline first, page by page', async () => {
    env.clock.set(T0);
    const a = await planned('台账一', { ...plan, deadline: '2026-12-30' });
    const b = await planned('台账二', { ...plan, deadline: '2026-12-28' });
    const c = await planned('台账三', { ...plan, unitId: otherUnit.id, deadline: '2026-12-29' });
    const mine = [a.code, b.code, c.code];
    const walk = async (who: Caller, query: string) => {
      const rows: { trackingCode: string; unitId: string; groupId: string; deadline: string; status: string }[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 200; page++) {
        const r = expectStatus(await as(who).get(`/api/rectifications?limit=1${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), 200);
        rows.push(...r.json.items);
        cursor = r.json.nextCursor;
        if (!cursor) return rows;
      }
      throw new Error('the ledger never ended');
    };
    const office = await walk('office', '');
    const deadlines = office.map((r) => r.deadline);
    expect(deadlines).toEqual([...deadlines].sort());
    expect(office.map((r) => r.trackingCode)).toEqual(expect.arrayContaining(mine));
    expect(new Set(office.map((r) => r.trackingCode)).size).toBe(office.length);
    const ours = office.filter((r) => mine.includes(r.trackingCode)).map((r) => r.trackingCode);
    expect(ours).toEqual([b.code, c.code, a.code]);

    const liaison = await walk('liaison', '');
    expect(new Set(liaison.map((r) => r.unitId))).toEqual(new Set([ownUnit.id]));
    expect(liaison.map((r) => r.trackingCode)).toEqual(expect.arrayContaining([a.code, b.code]));
    expect((await walk('otherLiaison', '')).map((r) => r.trackingCode)).toContain(c.code);
    expectStatus(await as('liaison').get(`/api/rectifications?unitId=${otherUnit.id}`), 403);

    expect((await walk('own', '')).map((r) => r.trackingCode)).toEqual(expect.arrayContaining(mine));
    expect(await walk('other', '')).toEqual((await walk('office', `&groupId=${OTHER}`)));
    expectStatus(await as('other').get(`/api/rectifications?groupId=${OWN}`), 403);
    const byUnit = await walk('office', `&unitId=${otherUnit.id}`);
    expect(byUnit.every((r) => r.unitId === otherUnit.id)).toBe(true);
    expectStatus(await as('liaison').post(`/api/items/${b.code}/rectification/progress`, { note: '开始', done: true }), 201);
    const submitted = await walk('own', '&status=submitted,verified');
    expect(submitted.map((r) => r.trackingCode)).toContain(b.code);
    expect(submitted.every((r) => ['submitted', 'verified'].includes(r.status))).toBe(true);
    // The ledger row follows the item: reassigned to another group, it is that group's.
    expectStatus(await as('office').post(`/api/items/${a.code}/assign`, { groupId: OTHER }), 200);
    expect((await walk('other', '')).map((r) => r.trackingCode)).toContain(a.code);
    expect((await walk('own', '')).map((r) => r.trackingCode)).not.toContain(a.code);
    expect((await walk('liaison', '')).find((r) => r.trackingCode === a.code)?.groupId).toBe(OTHER);
    expectStatus(await as('office').get('/api/rectifications?status=open'), 400);
    expectStatus(await as('office').get('/api/rectifications?cursor=nope'), 400);
  });
});

describe('the submitter', () => {
  it('reads the status and, once verified, the sign-off note; an unsatisfied rating reopens the item, the rectification stays signed off', async () => {
    env.clock.set(T0);
    const { code, key } = await planned('整改跟踪');
    const track = async () => expectStatus(await env.http.get(`/api/submissions/${code}`, { 'x-access-key': key }), 200).json;
    expect((await track()).rectification).toEqual({ status: 'planned', deadline: plan.deadline });
    expectStatus(await as('liaison').post(`/api/items/${code}/rectification/progress`, { note: '已整改', done: true }), 201);
    expectStatus(await as('own').post(`/api/items/${code}/rectification/verification`, { outcome: 'verified', note: '整改到位，予以销号。' }), 200);
    const view = await track();
    expect(view.rectification).toMatchObject({ status: 'verified', signOffNote: '整改到位，予以销号。' });
    expect(JSON.stringify(view)).not.toContain('单位联络员');

    expectStatus(await as('own').post(`/api/items/${code}/replies`, { body: '问题已整改到位。', visibility: 'public' }), 201);
    const rated = expectStatus(await env.http.post(`/api/submissions/${code}/rating`, { satisfaction: 'unsatisfied', comment: '并没有改' }, { 'x-access-key': key }), 200);
    expect(rated.json.status).toBe('reopened');
    const item = (await as('office').get(`/api/items/${code}`)).json;
    expect(item.status).toBe('reopened');
    expect(item.rectification.status).toBe('verified');
    // The group answers again; the rectification is not reopened by it.
    expectStatus(await as('own').post(`/api/items/${code}/replies`, { body: '已再次核查，附整改记录。', visibility: 'public' }), 201);
    expect((await track()).rectification.status).toBe('verified');
  });
});

describe('the dashboard', () => {
  it('counts rectifications per group by status and overdue, as the ledger lists them', async () => {
    env.clock.set(T0);
    const late = await planned('看板一', { ...plan, deadline: '2026-12-08' });
    const handed = await planned('看板二', { ...plan, deadline: '2026-12-30' });
    expectStatus(await as('liaison').post(`/api/items/${handed.code}/rectification/progress`, { note: '完成', done: true }), 201);
    env.clock.set(at10('2026-12-10'));
    await env.stack.drainTally();
    const ledger = async (query: string) => {
      const rows: { status: string; overdue: boolean; trackingCode: string }[] = [];
      let cursor: string | undefined;
      do {
        const r = expectStatus(await as('office').get(`/api/rectifications?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), 200);
        rows.push(...r.json.items);
        cursor = r.json.nextCursor;
      } while (cursor);
      return rows;
    };
    const d = expectStatus(await as('office').get('/api/dashboard'), 200).json;
    for (const group of d.byGroup.filter((g: { groupId: string | null }) => g.groupId)) {
      const rows = await ledger(`&groupId=${group.groupId}`);
      const expected = Object.fromEntries(['planned', 'in_progress', 'submitted', 'verified', 'returned'].map((s) => [s, rows.filter((r) => r.status === s).length]));
      expect(group.rectifications, group.groupId).toEqual({ ...expected, overdue: rows.filter((r) => r.overdue).length });
    }
    const own = d.byGroup.find((g: { groupId: string }) => g.groupId === OWN).rectifications;
    expect(own.overdue).toBeGreaterThanOrEqual(1);
    expect((await ledger('&overdue=true')).map((r) => r.trackingCode)).toContain(late.code);
    expect(d.rectifications.overdue).toBe((await ledger('&overdue=true')).length);
    // A responder's dashboard: their group's figures only.
    const mine = expectStatus(await as('own').get('/api/dashboard'), 200).json;
    expect(mine.byGroup.map((g: { groupId: string }) => g.groupId)).toEqual([OWN]);
    expect(mine.byGroup[0].rectifications).toEqual(own);
  });
});

describe('the ledger as a spreadsheet (整改台账)', () => {
  const headers = ['跟踪码', '问题', '问题描述', '责任单位', '督导组', '整改措施', '整改标准', '整改时限', '整改状态', '是否逾期', '整改进展', '核查结果', '核查意见', '核查人', '核查时间', '更新时间'];
  const download = async (who: Caller, query = '') =>
    fetch(`${env.stack.url}/api/exports/rectifications.xlsx${query}`, { headers: { [staffTokenHeader]: `Bearer ${tokens[who] ?? env.tokens[who as Person]}` } });

  it('holds the five points, the progress and the verification, with Chinese headers and local dates; office and leaders only', async () => {
    // Friday 11 December, 23:30 in Shanghai (15:30 UTC): the verification is on the local day.
    env.clock.set(new Date('2026-12-11T15:30:00.000Z'));
    const { code } = await planned('台账导出', { ...plan, deadline: '2026-12-31' });
    for (const body of [{ note: '已部署。' }, { note: '已完成。', done: true }]) expectStatus(await as('liaison').post(`/api/items/${code}/rectification/progress`, body), 201);
    expectStatus(await as('own').post(`/api/items/${code}/rectification/verification`, { outcome: 'verified', note: '整改到位，同意销号。' }), 200);

    const r = await download('leader', '?status=verified');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(xlsxContentType);
    expect(r.headers.get('content-disposition')).toContain('yijian-rectifications-2026-12-11.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await r.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe('整改台账');
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(headers);
    const rows: Record<string, unknown>[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) rows.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1).value ?? ''])));
    });
    expect(rows.every((row) => row['整改状态'] === '已销号')).toBe(true);
    const row = rows.find((x) => x['跟踪码'] === code)!;
    expect(row).toMatchObject({
      问题: '台账导出',
      问题描述: '单位集中学习流于形式，记录不全。',
      责任单位: ownUnit.name,
      督导组: demoDirectory.groups.find((g) => g.id === OWN)!.name,
      整改措施: plan.measures,
      整改标准: plan.standard,
      是否逾期: '否',
      核查结果: '通过销号',
      核查意见: '整改到位，同意销号。',
      核查人: '一组 孙',
    });
    // Dates as Excel dates holding the local wall clock: the day itself, and 23:30 on the 11th.
    expect((row['整改时限'] as Date).toISOString()).toBe('2026-12-31T00:00:00.000Z');
    expect((row['核查时间'] as Date).toISOString().slice(0, 16)).toBe('2026-12-11T23:30');
    expect(String(row['整改进展'])).toMatch(/^【2026-12-11 23:30 单位联络员 李】已部署。\n\n【2026-12-11 23:30 单位联络员 李】已完成。（报请核查）$/);
    // Never the submitter.
    const text = JSON.stringify(rows);
    for (const secret of [contact.name, contact.email, contact.phone]) expect(text).not.toContain(secret);

    for (const who of ['own', 'liaison'] as const) expect((await download(who)).status).toBe(403);
  });
});
