/**
 * Issue #14, points 1-3, in headless Chromium on a phone whose clock is set to UTC (a visitor from
 * abroad): the receipt survives a reload and Back until the person says they kept it, with a QR
 * code of the tracking link and a PNG of it all; new keys read forgivingly; due dates show as the
 * campaign's day with its weekday, never "15:59"; and every message, the server's problems
 * included, is in the page's language and follows a language switch. Screenshots go to
 * test-results/e2e/.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { desktop, eventually, jsonClient, launchBrowser, pageOpener, phone, screenshot, signInAs, startWebStack, type WebStack } from '../support/browser';
import { readQrFromPng } from '../support/qr-decode';
import { chooseUnit } from '../support/unit-picker';

let web: WebStack;
let browser: Browser;
const pages = pageOpener(() => browser);
const client = jsonClient(() => web);
/** A visitor whose phone is on UTC, where a 23:59 Shanghai deadline is 15:59. */
const abroad = { ...phone, timezoneId: 'UTC', acceptDownloads: true } as const;

beforeAll(async () => {
  [web, browser] = await Promise.all([startWebStack(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  await web?.stop();
});

const groupedKey = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/;

/** The campaign's day of `iso` with its weekday, as the pages write it in `locale`. */
const shanghaiDay = (iso: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short', timeZone: 'Asia/Shanghai' }).format(new Date(iso));

const fillForm = async (page: Page, title: string) => {
  await page.locator('#unit-count').filter({ hasText: /\d/ }).waitFor();
  await page.locator('label.choice', { has: page.locator('#kind-question') }).click();
  await chooseUnit(page, 'u01');
  await page.locator('#title').fill(title);
  await page.locator('#body').fill('培训安排在周五晚上，能否调整到工作日白天？');
};

describe('a receipt that survives, in the campaign’s time zone', () => {
  let page: Page;
  let code = '';
  let key = '';
  let link = '';

  it('shows the receipt with a grouped key, the due date as the campaign’s day with its weekday (UTC phone), and a QR code of the tracking link', async () => {
    page = await pages.open(abroad);
    await page.goto(`${web.url}/`);
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('UTC');
    await fillForm(page, '培训时间能否调整');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/submissions') && r.request().method() === 'POST');
    await page.locator('button[type=submit]').click();
    const receipt = await (await answer).json();
    // The scenario: the item is due at the end of a Shanghai working day, 15:59 UTC.
    expect(receipt.dueAt).toMatch(/T15:59:59\.999Z$/);
    await page.locator('#receipt-code').waitFor();
    code = (await page.locator('#receipt-code').innerText()).trim();
    key = (await page.locator('#receipt-key').innerText()).trim();
    expect(key).toMatch(groupedKey);
    link = `${web.url}/track#${code}.${key}`;
    const due = await page.locator('#receipt-due').innerText();
    expect(due).toBe(shanghaiDay(receipt.dueAt, 'zh-CN'));
    expect(due).toMatch(/周[一二三四五六日]/);
    expect(due).not.toContain('15:59');
    const qr = page.locator('#receipt-qr');
    await qr.waitFor();
    expect(readQrFromPng(await qr.screenshot())).toBe(link);
    await screenshot(page, 'pages-01-receipt-utc-phone');
  });

  it('saves the receipt as a PNG made in the page, whose QR code leads to the tracking link', async () => {
    const download = page.waitForEvent('download');
    await page.locator('#save-image').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`yijian-${code}.png`);
    const png = readFileSync((await file.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(readQrFromPng(png)).toBe(link);
    await page.locator('#receipt-image').waitFor();
    // Shown on the page too (a phone that cannot download keeps it by long-pressing), allowed by the CSP.
    await eventually(() => page.locator('#receipt-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(720);
    await screenshot(page, 'pages-02-receipt-image');
  });

  it('shows the same receipt after a reload, and after Back from the tracking page', async () => {
    await page.reload();
    await page.locator('#receipt-code').waitFor();
    expect((await page.locator('#receipt-code').innerText()).trim()).toBe(code);
    expect((await page.locator('#receipt-key').innerText()).trim()).toBe(key);

    await page.locator('#track-link').click();
    await page.waitForURL(/\/track#/);
    await page.locator('.timeline, #result-heading, h2').first().waitFor();
    await eventually(() => page.locator('main').innerText()).toContain('培训时间能否调整');
    await screenshot(page, 'pages-03-track-utc-phone');

    await page.goBack();
    await page.locator('#receipt-code').waitFor();
    expect((await page.locator('#receipt-code').innerText()).trim()).toBe(code);
  });

  it('forgets the receipt once the person says they kept it', async () => {
    await page.locator('#receipt-saved').click();
    await page.locator('#submission-form').waitFor();
    await page.reload();
    await page.locator('#submission-form').waitFor();
    expect(await page.locator('#receipt-code').count()).toBe(0);
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('yijian.receipt')))).toEqual([]);
  });

  it('the tracking page on a UTC phone shows the due date as the campaign’s day, takes the key typed loosely; a key short of a character is refused, in Chinese and after a switch in English', async () => {
    const track = await pages.open(abroad);
    await track.goto(`${web.url}/track`);
    await track.locator('#code').fill(code.toLowerCase().replaceAll('-', ''));
    // Dictated: lower case, spaces instead of dashes, O for 0, l for 1.
    await track.locator('#key').fill(key.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o').replaceAll('1', 'l'));
    await track.locator('#key').press('Enter');
    await eventually(() => track.locator('main').innerText()).toContain('培训时间能否调整');
    const text = await track.locator('main').innerText();
    const view = await client('GET', `/api/submissions/${code}`, undefined, { 'X-Access-Key': key });
    expect(text).toContain(shanghaiDay(view.body.dueAt, 'zh-CN'));
    expect(text).not.toContain('15:59');
    await screenshot(track, 'pages-04-track-loose-key');
    // Without a character the key is wrong: the one 404, in Chinese.
    await track.locator('#key').fill(key.slice(0, -1));
    await track.locator('#key').press('Enter');
    await eventually(() => track.locator('.banner.bad').innerText()).toMatch(/[\u4e00-\u9fff]/);
    // The notice follows a language switch, as the labels do.
    await track.locator('header button[lang=en]').click();
    await eventually(() => track.locator('.banner.bad').innerText()).toMatch(/^[\x20-\x7e’]+$/);
    await track.locator('header button[lang=zh-CN]').click();
    await eventually(() => track.locator('.banner.bad').innerText()).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('every message in the page’s language', () => {
  it('the form counts what the server limits: a body of emoji under 5000 characters but over 16 KiB is refused in the page, in Chinese, then in English', async () => {
    const page = await pages.open(phone);
    await page.goto(`${web.url}/`);
    await fillForm(page, '表情太多');
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/submissions') && posts.push(r.url()));
    await page.locator('#body').fill('😀'.repeat(4200));
    await eventually(() => page.locator('#body-count').getAttribute('class')).toContain('over');
    expect(await page.locator('#body-count').innerText()).toContain('4200 / 5000');
    await page.locator('button[type=submit]').click();
    await eventually(() => page.locator('#body-error').innerText()).toContain('内容太长');
    const bannerZh = await page.locator('#form-banner').innerText();
    expect(bannerZh).toMatch(/[\u4e00-\u9fff]/);
    expect(posts).toEqual([]);
    await screenshot(page, 'pages-05-too-large-zh');

    await page.locator('header button[lang=en]').click();
    await eventually(() => page.locator('#body-error').innerText()).toContain('Too long to send');
    expect(await page.locator('#form-banner').innerText()).toMatch(/^[\x20-\x7e\n]+$/);
    await screenshot(page, 'pages-06-too-large-en');
    await page.locator('header button[lang=zh-CN]').click();
    await eventually(() => page.locator('#body-error').innerText()).toContain('内容太长');
  });

  it('a server problem in the console (a merge whose target was merged meanwhile: 409) reads in Chinese, and in English after the switch', async () => {
    const token = (await client('POST', '/api/dev/token', { sub: 'pages-test', name: '测试', groups: ['office'] })).body.token as string;
    const auth = { authorization: `Bearer ${token}` };
    const submit = async (title: string) => {
      const r = await client('POST', '/api/submissions', { kind: 'problem', title, body: '小区加装电梯的审批一直没有结果。', unitId: 'u01', anonymous: true });
      expect(r.status).toBe(201);
      return r.body.trackingCode as string;
    };
    const source = await submit('加装电梯审批太慢（一）');
    const target = await submit('加装电梯审批太慢（二）');
    const third = await submit('加装电梯审批太慢（三）');
    const office = await pages.open(desktop);
    await signInAs(office, web, 'demo-office');
    await office.goto(`${web.url}/console#/item/${source}`);
    await office.locator('#merge-form').evaluate((form) => ((form.closest('details') as HTMLDetailsElement).open = true));
    await office.locator(`#merge-to-${target}`).check();
    // Meanwhile someone else merges the target into a third item.
    const version = (await client('GET', `/api/items/${target}`, undefined, auth)).body.version as number;
    const merged = await client('POST', `/api/items/${target}/transition`, { action: 'merge', targetId: third }, { ...auth, 'if-match': `"${version}"` });
    expect(merged.status).toBe(200);

    const answer = office.waitForResponse((r) => r.url().endsWith(`/api/items/${source}/transition`));
    await office.locator('#merge-form button[type=submit]').click();
    await office.locator('#merge-confirm').click();
    const problem = await (await answer).json();
    expect(problem).toMatchObject({ status: 409, detail: 'The target item is itself merged into another item.' });
    const notice = office.locator('.banner.warn');
    await eventually(() => notice.innerText()).toContain('要合并到的事项本身已经合并到其他事项');
    expect(await notice.innerText()).not.toMatch(/[A-Za-z]{3,}/);
    // The server's own history note, too.
    expect(await office.locator('#history').innerText()).toContain('按单位分派给第一督导组');
    expect(await office.locator('#history').innerText()).not.toContain('routed to');
    await screenshot(office, 'pages-07-merge-problem-zh');
    await office.locator('header button[lang=en]').click();
    await eventually(() => notice.innerText()).toContain('The target item is itself merged into another item.');
    expect(await office.locator('#history').innerText()).toContain('routed to');
    await screenshot(office, 'pages-08-merge-problem-en');
    await office.locator('header button[lang=zh-CN]').click();
    await eventually(() => notice.innerText()).toContain('要合并到的事项本身已经合并到其他事项');

    // The reply box counts bytes as the server does: emoji under 5000 characters, over 16 KiB.
    const posts: string[] = [];
    office.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/replies') && posts.push(r.url()));
    await office.locator('#reply-body').fill('😀'.repeat(4200));
    await eventually(() => office.locator('#reply-count').getAttribute('class')).toContain('over');
    await office.locator('#visibility-internal').check();
    await office.locator('#reply-form button[type=submit]').click();
    await eventually(() => office.locator('#reply-error').innerText()).toContain('内容太长');
    expect(posts).toEqual([]);
  });
});
