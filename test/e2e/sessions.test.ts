/**
 * A training session in headless Chromium, end to end on the local stack: the office creates a
 * session in the console, prints its poster to an A4 PDF (the QR code, rasterised by MuPDF and
 * decoded by jsQR, is the session's full link), shows it on the projector; a participant on a
 * 390×844 phone opens the link, rates the session with one tap and submits, and gets a receipt;
 * a wrong key and a closed session show a Chinese message and store nothing; the office types up
 * the meeting's records (keyboard, many rows, one save, per-row errors) and gets slips; the
 * summary shows figures equal to the item list. axe-core on every new page. Screenshots and the
 * PDF go to test-results/e2e/. One stack, one browser.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactsDir, desktop, eventually, phone, runAxe, screenshot, seriousViolations, signInAs, useWebStackAndBrowser, type WebStack } from '../support/browser';
import { readPdf, readQrFromPng } from '../support/qr-decode';
import { chooseUnit, unitGroups } from '../support/unit-picker';

const files = useWebStackAndBrowser();
const { pages, json } = files;
const open = pages.open;
let web: WebStack;
let officeToken: string;
const asOffice = () => ({ authorization: `Bearer ${officeToken}` });
const signIn = (page: Page, user: string) => signInAs(page, web, user);

const audit = async (page: Page, name: string) => {
  expect(seriousViolations(await runAxe(page)), name).toEqual([]);
};

/** Every item of the session, as GET /api/items?sessionCode= lists them. */
const sessionItems = async (code: string) => {
  const r = await json('GET', `/api/items?sessionCode=${encodeURIComponent(code)}&limit=100`, undefined, asOffice());
  expect(r.status).toBe(200);
  return r.body.items as { trackingCode: string; kind: string; status: string; answeredOnSpot?: boolean; source?: string }[];
};

beforeAll(async () => {
  web = files.web();
  officeToken = (await json('POST', '/api/dev/token', { sub: 'sessions-office', name: '办公室', groups: ['office'] })).body.token;
});

describe('a training session, console to phone and back', () => {
  const title = `党风廉政建设专题培训 ${Date.now().toString(36)}`;
  let office: Page;
  let code = '';
  let link = '';
  let joinKey = '';

  it('the office creates a session in the console (time entered in the campaign’s zone)', async () => {
    office = await open(desktop);
    await signIn(office, 'demo-office');
    await office.goto(`${web.url}/console#/sessions`);
    await office.locator('#sessions').waitFor();
    await audit(office, 'sessions list');
    await office.locator('details summary', { hasText: '新建场次' }).click();
    await office.locator('#new-title').fill(title);
    await office.locator('#new-startsAt').fill('2026-12-08T09:30');
    await office.locator('#new-endsAt').fill('2026-12-08T11:30');
    await office.locator('#new-place').fill('区委党校报告厅');
    await office.locator('#new-groupId').selectOption('g1');
    await office.locator('#new-unitIds').selectOption(['u01', 'u02']);
    await audit(office, 'new session form');
    await office.locator('#new-session button[type=submit]').click();
    await office.locator('#session-code').waitFor();
    code = (await office.locator('#session-code').innerText()).trim();
    expect(code).toMatch(/^PX-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    link = (await office.locator('#session-link').innerText()).trim();
    expect(link.startsWith(`${web.url}/s/${code}#`)).toBe(true);
    joinKey = decodeURIComponent(link.slice(link.indexOf('#') + 1));
    expect(Buffer.from(joinKey, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(await office.locator('#session-state').innerText()).toBe('接收中');
    await audit(office, 'session details');
    await screenshot(office, '40-console-session');

    const stored = await json('GET', `/api/sessions/${code}`, undefined, asOffice());
    expect(stored.status).toBe(200);
    // 09:30 in Asia/Shanghai, whatever the browser's zone.
    expect(stored.body).toMatchObject({ title, startsAt: '2026-12-08T01:30:00.000Z', endsAt: '2026-12-08T03:30:00.000Z', place: '区委党校报告厅', groupId: 'g1', unitIds: ['u01', 'u02'], open: true });
    expect(`${web.url}${stored.body.link}`).toBe(link);

    // Someone else renames it meanwhile: the console's edit, made on the old version, is refused
    // (412), the page reloads the session and keeps what was typed; saved again, it goes through.
    const renamed = await json('PATCH', `/api/sessions/${code}`, { title: `${title}（第一期）` }, { ...asOffice(), 'If-Match': `"${stored.body.version}"` });
    expect(renamed.status).toBe(200);
    await office.locator('#edit-place').fill('区委党校第一报告厅');
    await office.locator('#edit-session button[type=submit]').click();
    await eventually(() => office.locator('.banner.warn').innerText()).toContain('被别人修改');
    await eventually(() => office.locator('#session-heading').innerText()).toBe(`${title}（第一期）`);
    expect(await office.locator('#edit-place').inputValue()).toBe('区委党校第一报告厅');
    await office.locator('#edit-session button[type=submit]').click();
    await eventually(() => office.locator('.banner.ok').innerText()).toBe('已保存。');
    const edited = (await json('GET', `/api/sessions/${code}`, undefined, asOffice())).body;
    expect(edited).toMatchObject({ title: `${title}（第一期）`, place: '区委党校第一报告厅' });
    // Back to the first title and place, as the rest of this journey expects.
    const restored = await json('PATCH', `/api/sessions/${code}`, { title, place: '区委党校报告厅' }, { ...asOffice(), 'If-Match': `"${edited.version}"` });
    expect(restored.status).toBe(200);
    // The list shows it too.
    await office.goto(`${web.url}/console#/sessions`);
    await office.locator(`#sessions tr[data-code="${code}"]`).waitFor();
  });

  it('the poster prints to one A4 page whose QR code decodes to the session’s full link', async () => {
    await office.goto(`${web.url}/console#/session/${code}/poster`);
    await office.locator('#poster-qr').waitFor();
    await audit(office, 'poster');
    await screenshot(office, '41-console-poster');
    const pdf = await office.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    writeFileSync(join(artifactsDir, '41-poster.pdf'), pdf);
    const pages = readPdf(pdf);
    expect(pages).toHaveLength(1);
    // A4 portrait in points (210 × 297 mm).
    expect(Math.round(pages[0]!.width)).toBe(595);
    expect(Math.round(pages[0]!.height)).toBe(842);
    expect(pages[0]!.qr).toBe(link);
    const text = pages[0]!.text.replace(/\s+/g, '');
    expect(text).toContain(code);
    expect(text).toContain(title.replace(/\s+/g, ''));
    expect(text).toContain('区委党校报告厅');
    expect(text).toContain('09:30');
    // Nothing of the console around it is printed: no navigation, no buttons, no user name.
    for (const chrome of ['看板', '经验做法', '退出', '打印', '返回场次列表']) expect(text).not.toContain(chrome);
  });

  it('the projector view fills the window with the QR code, the code and the title', async () => {
    await office.goto(`${web.url}/console#/session/${code}/projector`);
    const qr = office.locator('#projector-qr');
    await qr.waitFor();
    const box = (await qr.boundingBox())!;
    expect(box.height).toBeGreaterThan(desktop.viewport.height * 0.6);
    expect(await office.locator('#projector-title').innerText()).toBe(title);
    expect(await office.locator('.projector-code').innerText()).toBe(code);
    await audit(office, 'projector');
    const png = await office.screenshot({ path: join(artifactsDir, '42-console-projector.png') });
    expect(readQrFromPng(png)).toBe(link);
    await office.keyboard.press('Escape');
    await office.locator('#session-code').waitFor();
  });

  it('a participant on a 390×844 phone opens the link, rates with one tap, submits and gets a receipt', async () => {
    const person = await open(phone);
    const urls: string[] = [];
    const sessionKeys: string[] = [];
    person.on('request', (request) => {
      urls.push(request.url());
      const header = request.headers()['x-session-key'];
      if (header) sessionKeys.push(header);
    });
    await person.goto(link);
    await person.locator('#session-title').waitFor();
    expect(await person.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await person.locator('#session-title').innerText()).toBe(title);
    expect(await person.locator('#session-time').innerText()).toContain('09:30');
    expect(await person.locator('#session-time').innerText()).toContain('11:30');
    expect(await person.locator('#session-place').innerText()).toBe('区委党校报告厅');
    await person.locator('#unit-count').filter({ hasText: /\d/ }).waitFor();
    // The session's units come first, under their own heading.
    expect((await unitGroups(person))[0]).toEqual({ label: '本场培训涉及的单位', ids: ['u01', 'u02'] });
    await audit(person, 'session page');
    await screenshot(person, '43-session-phone');

    // One tap on the fourth star sends the rating.
    await person.locator('label.star', { has: person.locator('#score-4') }).tap();
    await person.locator('#rating-thanks').waitFor();
    expect(await person.locator('#rating-thanks').innerText()).toBe('感谢您的评分！');
    await audit(person, 'session page, rated');

    await person.locator('label.choice', { has: person.locator('#kind-question') }).click();
    await chooseUnit(person, 'u02');
    await person.locator('#title').fill('培训材料能否提前发放');
    await person.locator('#body').fill('希望提前一天把课件发到各单位，便于预习。');
    await person.locator('#submit').click();
    await person.locator('#receipt-code').waitFor();
    const trackingCode = (await person.locator('#receipt-code').innerText()).trim();
    expect(trackingCode).toMatch(/^YJ-/);
    expect((await person.locator('#receipt-key').innerText()).trim().length).toBeGreaterThanOrEqual(22);
    await screenshot(person, '44-session-receipt-phone');

    // The key went in the header only, never in a URL.
    expect(sessionKeys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sessionKeys)).toEqual(new Set([joinKey]));
    const keyInUrl = urls.filter((u) => !u.startsWith(link) && (u.includes(joinKey) || u.includes(encodeURIComponent(joinKey))));
    expect(keyInUrl).toEqual([]);

    const item = await json('GET', `/api/items/${trackingCode}`, undefined, asOffice());
    expect(item.body).toMatchObject({ sessionCode: code, source: 'session', unitId: 'u02', kind: 'question' });
    // The console's item view says where it came from, with a link to the session.
    await office.goto(`${web.url}/console#/item/${trackingCode}`);
    await office.locator('#item-source').waitFor();
    expect(await office.locator('#item-source').innerText()).toContain('培训场次链接');
    expect(await office.locator(`#item-source a[href="#/session/${code}"]`).count()).toBe(1);
  });

  it('a wrong key or an unknown code shows a clear Chinese message and offers nothing to store', async () => {
    const person = await open(phone);
    for (const url of [`${web.url}/s/${code}#${'A'.repeat(22)}`, `${web.url}/s/PX-0000-0000#${joinKey}`, `${web.url}/s/${code}`]) {
      await person.goto(url);
      await person.locator('#session-problem').waitFor();
      expect(await person.locator('#session-problem').innerText()).toContain('链接无效');
      expect(await person.locator('#submission-form').count()).toBe(0);
      expect(await person.locator('#rate-heading').count()).toBe(0);
    }
    await audit(person, 'session page, wrong key');
    await screenshot(person, '45-session-wrong-key-phone');
    await person.getByRole('button', { name: 'English' }).click();
    expect(await person.locator('#session-problem').innerText()).toContain('does not work');
    await person.getByRole('button', { name: '中文' }).click();
  });

  it('meeting records: typed with the keyboard, refused whole with per-row errors, then saved at once with slips', async () => {
    const before = (await sessionItems(code)).length;
    await office.goto(`${web.url}/console#/session/${code}/records`);
    await office.locator('#rec-1-kind').waitFor();
    await audit(office, 'records');
    // Row 1, answered on the spot; Tab from its last cell adds row 2.
    await office.locator('#rec-1-kind').selectOption('question');
    await office.locator('#rec-1-unitId').selectOption('u01');
    await office.locator('#rec-1-title').fill('学习时间如何保证');
    await office.locator('#rec-1-body').fill('基层工作忙，集中学习时间难以保证。');
    await office.locator('#rec-1-answer').fill('各单位每周安排半天集中学习，已写入方案。');
    await office.keyboard.press('Tab');
    await eventually(() => office.evaluate(() => document.activeElement?.id)).toBe('rec-2-kind');
    // Row 2, for the office to study; Enter in its title adds row 3.
    await office.locator('#rec-2-kind').selectOption('suggestion');
    await office.locator('#rec-2-body').fill('建议增加案例教学，少念文件。');
    await office.locator('#rec-2-title').fill('增加案例教学');
    await office.locator('#rec-2-title').press('Enter');
    await eventually(() => office.evaluate(() => document.activeElement?.id)).toBe('rec-3-kind');
    expect(await office.locator('#rec-3-kind').inputValue()).toBe('suggestion');
    // Row 3 lacks its text: the whole save is refused, the error shown on row 3.
    await office.locator('#rec-3-kind').selectOption('problem');
    await office.locator('#rec-3-title').fill('会场音响效果差');
    await office.locator('#save-records').click();
    await office.locator('#rec-3-body-error').waitFor();
    expect(await office.locator('tr[data-row="3"]').getAttribute('class')).toContain('has-error');
    expect(await office.locator('.banner.bad').innerText()).toContain('第 3 行');
    expect(await office.locator('#rec-3-body').getAttribute('aria-invalid')).toBe('true');
    expect((await sessionItems(code)).length).toBe(before);
    await audit(office, 'records with a row error');
    await screenshot(office, '46-console-records-error');

    await office.locator('#rec-3-body').fill('后排听不清，建议调试音响。');
    await office.locator('#rec-3-body').press('Control+Enter');
    await office.locator('#slips').waitFor();
    const slips = office.locator('#slips .slip');
    expect(await slips.count()).toBe(3);
    const slipCodes = await slips.evaluateAll((els) => els.map((el) => el.getAttribute('data-code')));
    for (const c of slipCodes) expect(c).toMatch(/^YJ-/);
    expect(await slips.nth(0).innerText()).toContain('已现场答复');
    expect(await slips.nth(1).innerText()).not.toContain('已现场答复');
    // Each slip carries a QR code of its tracking link (key in the fragment), as its receipt would.
    await eventually(() => office.locator('#slips img.slip-qr').count()).toBe(3);
    const slipLink = (await slips.nth(0).locator('.small span[lang=en]').innerText()).trim();
    expect(slipLink).toMatch(new RegExp(`^${web.url}/track#${slipCodes[0]}\\.`));
    expect(readQrFromPng(await slips.nth(0).locator('img.slip-qr').screenshot())).toBe(slipLink);
    await audit(office, 'slips');
    await screenshot(office, '47-console-slips');
    const slipPdf = readPdf(await office.pdf({ format: 'A4', preferCSSPageSize: true }));
    const slipText = slipPdf.map((p) => p.text).join('\n');
    for (const c of slipCodes) expect(slipText).toContain(c!);
    expect(slipText).not.toContain('看板');

    const items = await sessionItems(code);
    expect(items.length).toBe(before + 3);
    const onSpot = items.find((i) => i.trackingCode === slipCodes[0])!;
    expect(onSpot).toMatchObject({ status: 'closed', answeredOnSpot: true, source: 'meeting' });
  });

  it('the summary shows the ratings (hidden while few), the items by kind and outcome, equal to the item list', async () => {
    await office.goto(`${web.url}/console#/session/${code}/summary`);
    await office.locator('#summary').waitFor();
    expect(await office.locator('[data-figure="ratings-count"] .n').innerText()).toBe('1');
    // The demo directory sets no privacy.minCount: the default, 5.
    await eventually(() => office.locator('#ratings-suppressed').innerText()).toBe('评分少于 5 条：为保护个人隐私，暂不显示平均分、分布和留言。');
    expect(await office.locator('#ratings-distribution').count()).toBe(0);

    // Five more ratings (the API, as other phones would): now past the small-count threshold.
    for (const score of [5, 5, 3, 4, 2]) {
      const r = await json('POST', `/api/public/sessions/${code}/ratings`, { score, comment: `评分${score}` }, { 'X-Session-Key': joinKey });
      expect(r.status).toBe(201);
    }
    await office.reload();
    await office.locator('#summary').waitFor();
    const summary = (await json('GET', `/api/sessions/${code}/summary`, undefined, asOffice())).body;
    expect(summary.ratings.count).toBe(6);
    expect(await office.locator('[data-figure="ratings-count"] .n').innerText()).toBe('6');
    expect(await office.locator('[data-figure="ratings-average"] .n').innerText()).toBe((23 / 6).toFixed(2));
    expect(await office.locator('#ratings-suppressed').count()).toBe(0);
    expect(await office.locator('[data-stars="5"] .num').innerText()).toBe('2');
    expect(await office.locator('#ratings-comments').innerText()).toContain('评分3');

    const items = await sessionItems(code);
    const figure = async (name: string) => Number(await office.locator(`[data-figure="${name}"] .num, [data-figure="${name}"] .n`).first().innerText());
    expect(await figure('items-total')).toBe(items.length);
    expect(await figure('answeredOnSpot')).toBe(items.filter((i) => i.answeredOnSpot).length);
    expect(await figure('open')).toBe(items.filter((i) => ['submitted', 'assigned', 'in_progress', 'reopened'].includes(i.status)).length);
    for (const kind of ['question', 'suggestion', 'problem']) {
      expect(Number(await office.locator(`[data-kind="${kind}"] .num`).innerText()), kind).toBe(items.filter((i) => i.kind === kind).length);
    }
    await audit(office, 'summary');
    await screenshot(office, '48-console-summary');
    // In English too, the same figures.
    await office.getByRole('button', { name: 'English' }).click();
    expect(await office.locator('#summary-heading').innerText()).toBe('Session summary');
    expect(await office.locator('[data-figure="answeredOnSpot"] th').innerText()).toBe('Answered on the spot');
    await audit(office, 'summary in English');
    await office.getByRole('button', { name: '中文' }).click();

    // The link to the items: the queue filtered by the session.
    await office.locator('#session-items-link').click();
    await office.locator('#queue').waitFor();
    expect(await office.locator('#f-session').inputValue()).toBe(code);
    await eventually(() => office.locator('#queue tbody tr').count()).toBe(items.length);

    // And the dashboard of the session, whose export asks for the same items.
    await office.goto(`${web.url}/console#/session/${code}/summary`);
    await office.locator('#session-dashboard-link').click();
    await office.locator('#totals').waitFor();
    expect(await office.locator('#d-session').inputValue()).toBe(code);
    await eventually(async () => Number(await office.locator('[data-total="all"] .n').innerText())).toBe(items.length);
    const exported = office.waitForRequest((request) => request.url().includes('/api/exports/items.csv'));
    await office.locator('#export').click();
    expect(new URL((await exported).url()).searchParams.get('sessionCode')).toBe(code);
    await eventually(() => office.locator('#export ~ [role=status]').innerText()).toContain('已导出');
  });

  it('a closed session shows the Chinese message; a page opened before the close stores nothing', async () => {
    const early = await open(phone);
    await early.goto(link);
    await early.locator('#submission-form').waitFor();
    // With the keyboard, arrows only move the choice (nothing is sent); Enter sends it.
    await early.locator('#score-1').focus();
    await early.keyboard.press('ArrowRight');
    await early.keyboard.press('ArrowRight');
    expect(await early.locator('#score-3').isChecked()).toBe(true);
    expect(await early.locator('#rating-thanks').count()).toBe(0);
    await early.keyboard.press('Enter');
    await eventually(() => early.locator('#rating-thanks-score').innerText()).toBe('您给本场培训打了 3 星。');

    await office.goto(`${web.url}/console#/session/${code}`);
    await office.locator('#toggle-open').click();
    await eventually(() => office.locator('#session-state').innerText()).toBe('已关闭');

    const before = (await sessionItems(code)).length;
    await early.locator('label.choice', { has: early.locator('#kind-suggestion') }).click();
    await early.locator('#title').fill('散会后才想到的建议');
    await early.locator('#body').fill('希望下次培训留出提问时间。');
    await early.locator('#submit').click();
    await early.locator('#form-banner, .banner.warn').first().waitFor();
    await eventually(() => early.locator('main').innerText()).toContain('本场培训已结束');
    expect(await early.locator('#receipt-code').count()).toBe(0);
    expect((await sessionItems(code)).length).toBe(before);

    const late = await open(phone);
    await late.goto(link);
    await late.locator('#session-problem').waitFor();
    expect(await late.locator('#session-problem').innerText()).toContain('本场培训已结束');
    expect(await late.locator('#submission-form').count()).toBe(0);
    await audit(late, 'session page, closed');
    await screenshot(late, '49-session-closed-phone');
  });

  it('no page reported a script error or a CSP violation', () => {
    expect(pages.errors.flat()).toEqual([]);
  });
});
