/**
 * The acceptance journey in headless Chromium against the local stack: a person on a phone submits
 * anonymously and gets a receipt; the office signs in, finds the item and assigns it; the
 * responder replies; the tracking page shows the reply; the person rates it; the dashboard counts
 * change. A stale edit in the console (412) reloads instead of overwriting. Screenshots of each
 * page go to test-results/e2e/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { desktop, eventually, launchBrowser, newContext, phone, screenshot, startWebStack, watchPage, type WebStack } from '../support/browser';

let web: WebStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[][] = [];

const open = async (options: Parameters<Browser['newContext']>[0]): Promise<Page> => {
  const context = await newContext(browser, options);
  contexts.push(context);
  const page = await context.newPage();
  pageErrors.push(watchPage(page).errors);
  return page;
};

const signIn = async (page: Page, user: string) => {
  await page.goto(`${web.url}/console`);
  await page.locator(`button[data-user="${user}"]`).click();
  await page.locator('nav.nav').waitFor();
};

const dashboardTotals = async (page: Page) => {
  await page.goto(`${web.url}/console#/dashboard`);
  await page.locator('#totals').waitFor();
  const read = async (name: string) => Number(await page.locator(`[data-total="${name}"] .n`).innerText());
  const satisfied = page.locator('[data-satisfaction="satisfied"]');
  // The three rates' overall row: "<rate> (<numerator>/<denominator>)" per rate.
  const rate = async (name: string) => {
    const [, numerator, denominator] = /\((\d+)\/(\d+)\)/.exec(await page.locator(`#rates tr[data-group="all"] [data-rate="${name}"]`).innerText())!;
    return { numerator: Number(numerator), denominator: Number(denominator) };
  };
  return {
    resolution: await rate('resolution'),
    satisfaction: await rate('satisfaction'),
    all: await read('all'),
    closed: await read('closed'),
    satisfiedText: (await satisfied.count()) ? await satisfied.innerText() : '',
  };
};

beforeAll(async () => {
  [web, browser] = await Promise.all([startWebStack(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await web?.stop();
});

describe('the journey of one item, phone to dashboard', () => {
  const marker = `路灯${Date.now().toString(36)}`;
  const title = `${marker} 小区路灯坏了一个月`;
  const reply = '已联系街道，路灯将于本周五前修复。';
  let trackingCode = '';
  let trackLink = '';
  let person: Page;
  let office: Page;
  let before: Awaited<ReturnType<typeof dashboardTotals>>;

  it('the office notes the dashboard before', async () => {
    office = await open(desktop);
    await signIn(office, 'demo-office');
    before = await dashboardTotals(office);
  });

  it('a person on a 390×844 phone submits anonymously (double click) and gets a receipt', async () => {
    person = await open(phone);
    const posts: string[] = [];
    person.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/submissions')) posts.push(request.headers()['idempotency-key'] ?? '');
    });
    await person.goto(`${web.url}/`);
    expect(await person.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await person.locator('#unit-count').filter({ hasText: /\d/ }).waitFor();

    await person.locator('label.choice', { has: person.locator('#kind-problem') }).click();
    await person.locator('#title').fill(title);
    const body = '东区3号楼前的路灯坏了一个月，晚上出行不安全。';
    await person.locator('#body').fill(body);
    await eventually(() => person.locator('#body-count').innerText()).toContain(`${[...body].length} / 5000`);

    // Anonymous is on by default: no contact fields, and the page says nothing identifying is kept.
    expect(await person.locator('#anonymous').isChecked()).toBe(true);
    expect(await person.locator('#contact-email').count()).toBe(0);
    expect(await person.locator('#anonymous-note').innerText()).toContain('不会保存');
    await person.locator('#anonymous').click();
    await person.locator('#contact-email').waitFor();
    await person.locator('#anonymous').click();
    expect(await person.locator('#contact-email').count()).toBe(0);

    await screenshot(person, '01-form-phone');
    await person.locator('button[type=submit]').dblclick();
    await person.locator('#receipt-code').waitFor();
    trackingCode = (await person.locator('#receipt-code').innerText()).trim();
    expect(trackingCode).toMatch(/^YJ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const key = (await person.locator('#receipt-key').innerText()).trim();
    expect(key.length).toBeGreaterThanOrEqual(22);
    trackLink = (await person.locator('#track-link').getAttribute('href')) ?? '';
    expect(trackLink).toBe(`/track#${trackingCode}.${key}`);
    expect(trackLink).not.toContain('?');
    expect(posts).toHaveLength(1);
    await screenshot(person, '02-receipt-phone');
  });

  it('the office signs in, finds it in the queue and assigns it to a group', async () => {
    await office.goto(`${web.url}/console#/items`);
    await office.locator('#f-q').fill(marker);
    await office.locator('#f-status').selectOption({ index: 1 });
    await office.locator('form[role=search] button[type=submit]').click();
    const row = office.locator(`tr[data-id="${trackingCode}"]`);
    await row.waitFor();
    expect(await office.locator('#queue tbody tr').count()).toBe(1);
    expect(await row.innerText()).toContain('待分办');
    await screenshot(office, '03-console-queue');

    await row.locator('a').click();
    await office.locator('#item-title').waitFor();
    expect(await office.locator('#item-title').innerText()).toBe(title);
    expect(await office.locator('#item-contact').innerText()).toContain('匿名');
    await office.locator('#assign-group').selectOption('g1');
    await office.locator('#assign-note').fill('请第一督导组督促街道办理');
    await office.locator('#assign-form button[type=submit]').click();
    await eventually(() => office.locator('#item-status').innerText()).toBe('已交办');
    await screenshot(office, '04-console-item-assigned');
  });

  it('a stale change in the console says "changed by someone else" and reloads (412)', async () => {
    const second = await open(desktop);
    await signIn(second, 'demo-office');
    await second.goto(`${web.url}/console#/item/${trackingCode}`);
    await second.locator('#item-title').waitFor();
    // Meanwhile the first tab writes an internal note, which bumps the version.
    await office.locator('#reply-body').fill('内部：已电话提醒街道');
    await office.locator('#visibility-internal').check();
    await office.locator('#reply-form button[type=submit]').click();
    await office.locator('.banner.ok').waitFor();
    // The second tab, still showing the old version, tries to send its own note.
    await second.locator('#reply-body').fill('内部：另一位同事的意见');
    await second.locator('#visibility-internal').check();
    await second.locator('#reply-form button[type=submit]').click();
    await second.locator('.banner.warn').waitFor();
    expect(await second.locator('.banner.warn').innerText()).toContain('被别人修改');
    // Reloaded: the other note shows, nothing was overwritten, and the draft is kept.
    await eventually(() => second.locator('#thread').innerText()).toContain('已电话提醒街道');
    expect(await second.locator('#thread').innerText()).not.toContain('另一位同事');
    expect(await second.locator('#reply-body').inputValue()).toBe('内部：另一位同事的意见');
    await screenshot(second, '05-console-412');
  });

  it('the group asks for two more working days and the office approves: the due date moves (API.md v2)', async () => {
    const responder = await open(desktop);
    await signIn(responder, 'demo-g1');
    await responder.goto(`${web.url}/console#/item/${trackingCode}`);
    await responder.locator('#item-title').waitFor();
    await responder.locator('#extension summary').click();
    await responder.locator('#extension-days').fill('2');
    await responder.locator('#extension-reason').fill('需协调街道和供电公司');
    await responder.locator('#extension-form button[type=submit]').click();
    await eventually(() => responder.locator('#extension-state').innerText()).toContain('需协调街道和供电公司');

    await office.goto(`${web.url}/console#/item/${trackingCode}`);
    await office.reload();
    await office.locator('#extension-approve').click();
    await eventually(() => office.locator('#extension-state').innerText()).toContain('已批准延期 2 个工作日');
    expect(await office.locator('#history').innerText()).toContain('批准延期');
    await screenshot(office, '05b-console-extension-approved');
    // The tracking page (a page of its own: the person's page comes back to the same link later): the new date, by how much and why.
    const track = await open(phone);
    await track.goto(`${web.url}${trackLink}`);
    await eventually(() => track.locator('.timeline').innerText()).toContain('期限已延长 2 个工作日');
    expect(await track.locator('.timeline').innerText()).toContain('需协调街道和供电公司');
  });

  it('the responder of the group starts it and replies in public', async () => {
    const responder = await open(desktop);
    await signIn(responder, 'demo-g1');
    await responder.locator(`tr[data-id="${trackingCode}"] a`).click();
    await responder.locator('#item-title').waitFor();
    await responder.getByRole('button', { name: '开始办理' }).click();
    await eventually(() => responder.locator('#item-status').innerText()).toBe('办理中');
    await responder.locator('#reply-body').fill(reply);
    await responder.locator('#visibility-public').check();
    await responder.locator('#reply-form button[type=submit]').click();
    await eventually(() => responder.locator('#item-status').innerText()).toBe('已答复');
    expect(await responder.locator('#thread').innerText()).toContain(reply);
    await screenshot(responder, '06-console-replied');
  });

  it('the tracking page shows the reply and the person rates it', async () => {
    await person.goto(`${web.url}${trackLink}`);
    await person.locator('#conversation').waitFor();
    expect(await person.locator('#item-title').innerText()).toBe(title);
    const conversation = await person.locator('#conversation').innerText();
    expect(conversation).toContain(reply);
    expect(conversation).toContain('第一督导组');
    expect(conversation).not.toContain('已电话提醒街道'); // internal notes never reach the public page
    expect(await person.locator('.timeline').innerText()).toContain('已交由第一督导组办理');
    await screenshot(person, '07-track-answered-phone');

    await person.locator('label.choice', { has: person.locator('#satisfaction-satisfied') }).click();
    expect(await person.locator('#rating-form').innerText()).toContain('问题解决了吗？');
    await person.locator('label.choice', { has: person.locator('#resolved-yes') }).click();
    await person.locator('#rating-form button[type=submit]').click();
    await eventually(() => person.locator('#status').innerText()).toBe('已办结');
    expect(await person.locator('.timeline').innerText()).toContain('满意');
    await screenshot(person, '08-track-closed-phone');
  });

  it('the dashboard counts change', async () => {
    const after = await dashboardTotals(office);
    expect(after.all).toBe(before.all + 1);
    expect(after.closed).toBe(before.closed + 1);
    expect(after.satisfiedText).toMatch(/满意 1\b/);
    // The rating said satisfied and resolved: one more on both sides of both rates.
    expect(after.resolution).toEqual({ numerator: before.resolution.numerator + 1, denominator: before.resolution.denominator + 1 });
    expect(after.satisfaction).toEqual({ numerator: before.satisfaction.numerator + 1, denominator: before.satisfaction.denominator + 1 });
    // Open, overdue, urged, answered, closed.
    expect(await office.locator('#by-group tr[data-group="g1"]').innerText()).toMatch(/第一督导组\s+0\s+0\s+0\s+0\s+1/);
    await screenshot(office, '09-console-dashboard');
  });

  it('the office exports the items as CSV, the token in X-Yijian-Authorization (CloudFront signs with Authorization)', async () => {
    const [request, response] = await Promise.all([
      office.waitForRequest((r) => r.url().includes('/api/exports/items.csv')),
      office.waitForResponse((r) => r.url().includes('/api/exports/items.csv')),
      office.locator('#export').click(),
    ]);
    const headers = await request.allHeaders();
    expect(headers['x-yijian-authorization']).toMatch(/^Bearer \S+$/);
    // Deployed, CloudFront's origin access control puts its own signature in Authorization.
    expect(headers.authorization).toBeUndefined();
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/csv/);
    expect(response.headers()['content-disposition']).toMatch(/^attachment; filename="yijian-items-/);
  });

  it('the office rejects one item with a reason and merges a duplicate; the submitters see both', async () => {
    const submit = async (title: string) => {
      const response = await fetch(`${web.url}/api/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'suggestion', title, body: '内容', anonymous: true }),
      });
      return (await response.json()) as { trackingCode: string; accessKey: string };
    };
    const [rejected, duplicate] = await Promise.all([submit(`${marker} 超出范围的建议`), submit(`${marker} 重复的问题`)]);

    await office.goto(`${web.url}/console#/item/${rejected.trackingCode}`);
    await office.locator('#item-title').filter({ hasText: '超出范围' }).waitFor();
    await office.locator('#reject-form').evaluate((form) => (form.closest('details') as HTMLDetailsElement).open = true);
    await office.locator('#reject-form button[type=submit]').click();
    await eventually(() => office.locator('#reject-reason-error').innerText()).toContain('理由'); // the shared schema's check
    await office.locator('#reject-reason').fill('不属于本次主题教育的范围，已转12345热线。');
    await office.locator('#reject-form button[type=submit]').click();
    // Nothing happens before the confirmation.
    await office.locator('#reject-confirm').waitFor();
    expect(await office.locator('#item-status').innerText()).toBe('待分办');
    await office.locator('#reject-confirm').click();
    await eventually(() => office.locator('#item-status').innerText()).toBe('不予受理');

    await office.goto(`${web.url}/console#/item/${duplicate.trackingCode}`);
    await office.locator('#item-title').filter({ hasText: '重复的问题' }).waitFor();
    await office.locator('#merge-form').evaluate((form) => (form.closest('details') as HTMLDetailsElement).open = true);
    // The code, typed as people type it, finds that one item among the candidates.
    await office.locator('#merge-q').fill(trackingCode.toLowerCase());
    await office.locator(`#merge-to-${trackingCode}`).check();
    await office.locator('#merge-form button[type=submit]').click();
    await office.locator('#merge-confirm').click();
    await eventually(() => office.locator('#item-status').innerText()).toBe('已合并');

    await person.goto(`${web.url}/track#${rejected.trackingCode}.${rejected.accessKey}`);
    // Same page, another fragment: the page loads the other item; wait for it, not the old timeline.
    await eventually(() => person.locator('.timeline').innerText()).toContain('已转12345热线');
    expect(await person.locator('#follow-up').count()).toBe(0);
    await person.goto(`${web.url}/track#${duplicate.trackingCode}.${duplicate.accessKey}`);
    await eventually(() => person.locator('.timeline').innerText()).toContain(trackingCode);
  });

  it('no page logged an error or a CSP violation', () => {
    expect(pageErrors.flat()).toEqual([]);
  });
});
