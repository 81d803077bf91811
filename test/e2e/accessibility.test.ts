/**
 * Every page through axe-core in headless Chromium (no serious or critical violations), every
 * field labelled, the form used with the keyboard alone, errors shown beside their fields (the
 * client's own and the server's problem+json), and user text that looks like HTML shown as text
 * on the tracking page and in the console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { desktop, eventually, launchBrowser, newContext, phone, runAxe, screenshot, seriousViolations, startWebStack, watchPage, type WebStack } from '../support/browser';

let web: WebStack;
let browser: Browser;
let phoneContext: BrowserContext;
let desktopContext: BrowserContext;
const errors: string[][] = [];

const pageIn = async (context: BrowserContext): Promise<Page> => {
  const page = await context.newPage();
  errors.push(watchPage(page).errors);
  return page;
};

const json = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${web.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
};

const tokenFor = async (sub: string, name: string, groups: string[]) => (await json('POST', '/api/dev/token', { sub, name, groups })).body.token as string;

/** Fields without a label (by <label>, aria-label or aria-labelledby), outside aria-hidden parts. */
const unlabelledFields = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')]
      .filter((el) => el.type !== 'hidden' && !el.closest('[aria-hidden="true"]'))
      .filter((el) => !(el.labels && el.labels.length > 0) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML.slice(0, 120)),
  );

const audit = async (page: Page, name: string) => {
  const violations = await runAxe(page);
  expect(seriousViolations(violations), name).toEqual([]);
  expect(await unlabelledFields(page), name).toEqual([]);
};

/** Presses Tab until the element with `id` has focus (keyboard only; fails after `max` presses). */
const tabTo = async (page: Page, id: string, max = 40) => {
  for (let i = 0; i < max; i++) {
    if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached #${id}`);
};

const signIn = async (page: Page, user: string) => {
  await page.goto(`${web.url}/console`);
  await page.locator(`button[data-user="${user}"]`).click();
  await page.locator('nav.nav').waitFor();
};

const xssTitle = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';
const xssReply = '<b>粗体</b><img src=x onerror="window.__xss=3"><a href="javascript:window.__xss=4">点我</a>';
let answered: { code: string; key: string };

beforeAll(async () => {
  [web, browser] = await Promise.all([startWebStack(), launchBrowser()]);
  phoneContext = await newContext(browser, phone);
  desktopContext = await newContext(browser, desktop);
  // An answered item whose title and reply look like HTML.
  const receipt = await json('POST', '/api/submissions', { kind: 'question', title: xssTitle, body: '正文 <i>斜体</i>', unitId: 'u01', anonymous: true });
  expect(receipt.status).toBe(201);
  answered = { code: receipt.body.trackingCode, key: receipt.body.accessKey };
  const office = await tokenFor('a11y-office', '办公室', ['office']);
  const replied = await json('POST', `/api/items/${answered.code}/replies`, { body: xssReply, visibility: 'public' }, { authorization: `Bearer ${office}` });
  expect(replied.status).toBe(201);
  // A practice, recommended, so that the practices page has content.
  const practice = await json('POST', '/api/submissions', { kind: 'practice', title: '“三张清单”工作法', body: '问题清单、责任清单、整改清单。', unitId: 'u02', anonymous: true });
  await json('POST', `/api/items/${practice.body.trackingCode}/transition`, { action: 'recommend' }, { authorization: `Bearer ${office}` });
}, 120_000);

afterAll(async () => {
  await phoneContext?.close().catch(() => undefined);
  await desktopContext?.close().catch(() => undefined);
  await browser?.close();
  await web?.stop();
});

describe('the form', () => {
  it('passes axe in Chinese and English, anonymous or not, with stars and with errors shown', async () => {
    const page = await pageIn(phoneContext);
    await page.goto(`${web.url}/`);
    await page.locator('#unit-count').filter({ hasText: /\d/ }).waitFor();
    await audit(page, 'form');
    await page.locator('label.choice', { has: page.locator('#kind-feedback') }).click();
    await page.locator('#rating-1').waitFor({ state: 'attached' });
    await page.locator('#anonymous').click();
    await page.locator('#contact-email').waitFor();
    await audit(page, 'form, feedback with contact');
    // Client validation from the shared schema: errors beside their fields.
    await page.locator('#contact-email').fill('not-an-email');
    await page.locator('#submit').click();
    await page.locator('#title-error').waitFor();
    expect(await page.locator('#title-error').innerText()).toBe('必填。');
    expect(await page.locator('#contact-email-error').innerText()).toBe('请填写有效的电子邮箱。');
    expect(await page.locator('#title').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#title').getAttribute('aria-describedby')).toContain('title-error');
    await audit(page, 'form with errors');
    await screenshot(page, '10-form-errors-phone');
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('Submit an opinion');
    await audit(page, 'form in English');
    await screenshot(page, '11-form-english-phone');
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('shows the server’s problem+json errors beside their fields', async () => {
    const page = await pageIn(phoneContext);
    await page.route('**/api/submissions', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, errors: [{ path: 'title', message: 'Must be at most 120 characters.' }] }),
      }),
    );
    await page.goto(`${web.url}/`);
    await page.locator('label.choice', { has: page.locator('#kind-question') }).click();
    await page.locator('#title').fill('一个标题');
    await page.locator('#body').fill('一段内容');
    await page.locator('#submit').click();
    await page.locator('#title-error').waitFor();
    expect(await page.locator('#title-error').innerText()).toBe('最多 120 个字。');
    // The error summary at the top takes the focus; its link takes the person to the field.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('form-banner');
    await page.locator('#form-banner a[data-path=title]').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('title');
    await page.close();
  });

  it('works with the keyboard alone, and the receipt passes axe', async () => {
    const page = await pageIn(desktopContext);
    await page.goto(`${web.url}/`);
    await page.locator('#unit-count').filter({ hasText: /\d/ }).waitFor();
    await tabTo(page, 'kind-feedback');
    await page.keyboard.press('ArrowDown'); // radio group: the arrow moves and selects
    expect(await page.locator('#kind-question').isChecked()).toBe(true);
    await tabTo(page, 'unit');
    await page.keyboard.type('财政');
    await page.keyboard.press('ArrowDown'); // the first option ("no particular unit")
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await page.locator('#unit').getAttribute('data-unit-id')).not.toBe('');
    expect(await page.locator('#unit').inputValue()).toContain('财政');
    await tabTo(page, 'title');
    await page.keyboard.type('键盘提交的标题');
    await tabTo(page, 'body');
    await page.keyboard.type('只用键盘填写和提交。');
    await tabTo(page, 'anonymous');
    await page.keyboard.press('Space');
    expect(await page.locator('#anonymous').isChecked()).toBe(false);
    await tabTo(page, 'contact-name');
    await page.keyboard.type('张三');
    await tabTo(page, 'submit');
    await page.keyboard.press('Enter');
    await page.locator('#receipt-code').waitFor();
    // The receipt takes the focus in the frame after it is drawn.
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe('receipt-heading');
    await audit(page, 'receipt');
    await page.close();
  });
});

describe('the tracking page', () => {
  it('passes axe empty and with an answered item; HTML-looking text stays text', async () => {
    const page = await pageIn(phoneContext);
    await page.goto(`${web.url}/track`);
    await audit(page, 'track, empty');
    await page.goto(`${web.url}/track#${answered.code}.${answered.key}`);
    await page.locator('#conversation').waitFor();
    expect(await page.locator('#item-title').innerText()).toBe(xssTitle);
    expect(await page.locator('#conversation').innerText()).toContain(xssReply);
    expect(await page.locator('#result img, #result script, #result b, #result a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.locator('#rating-form').waitFor();
    await audit(page, 'track, answered');
    await screenshot(page, '12-track-xss-phone');
  });

  it('says "not found" for a wrong key, and reads a code typed loosely', async () => {
    const page = await pageIn(phoneContext);
    await page.goto(`${web.url}/track`);
    await page.locator('#code').fill(answered.code.toLowerCase().replace(/-/g, ' '));
    await page.locator('#key').fill('wrong-key-wrong-key');
    await page.locator('form button[type=submit]').click();
    await page.locator('.banner.bad').waitFor();
    expect(await page.locator('.banner.bad').innerText()).toContain('不正确');
    await page.locator('#key').fill(answered.key);
    await page.locator('form button[type=submit]').click();
    await page.locator('#conversation').waitFor();
    await page.close();
  });
});

describe('the console', () => {
  it('passes axe on sign-in, queue, item, dashboard, practices and directory; HTML-looking text stays text', async () => {
    const page = await pageIn(desktopContext);
    await page.goto(`${web.url}/console`);
    await page.locator('button[data-user="demo-office"]').waitFor();
    await audit(page, 'console sign-in');
    await screenshot(page, '13-console-sign-in');
    await signIn(page, 'demo-office');
    // The office's queue opens on 待分办; the answered item is under "all".
    await page.locator('#view-all').click();
    const row = page.locator(`tr[data-id="${answered.code}"]`);
    await row.waitFor();
    expect(await row.locator('a').innerText()).toBe(xssTitle);
    expect(await page.locator('#queue img, #queue script').count()).toBe(0);
    await audit(page, 'queue');
    await row.locator('a').click();
    await page.locator('#item-title').waitFor();
    expect(await page.locator('#item-title').innerText()).toBe(xssTitle);
    expect(await page.locator('#thread').innerText()).toContain(xssReply);
    expect(await page.locator('main img, main script, #thread b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await audit(page, 'item');
    await screenshot(page, '14-console-item-xss');
    await page.goto(`${web.url}/console#/dashboard`);
    await page.locator('#totals').waitFor();
    await audit(page, 'dashboard');
    await page.goto(`${web.url}/console#/practices`);
    await page.locator('article.practice').waitFor();
    await audit(page, 'practices');
    await screenshot(page, '15-console-practices');
  });

  it('the directory editor lists every validation problem', async () => {
    const page = await pageIn(desktopContext);
    await signIn(page, 'demo-office'); // a new tab: the session lives in sessionStorage
    await page.goto(`${web.url}/console#/directory`);
    await page.locator('#dir-units-0-groupId').waitFor();
    // Three problems made in the form as the office would: a group renamed (its units now name a
    // group that is gone), a new group with an id already taken, an SLA of 0 working days.
    await page.locator('#dir-groups-0-id').fill('g1-renamed');
    await page.getByRole('button', { name: '添加督导组' }).click();
    await page.locator('#dir-groups-5-id').fill('g2');
    await page.locator('#dir-groups-5-name').fill('重复的组');
    await page.locator('#dir-sla-problem').fill('0');
    await page.getByRole('button', { name: '检查' }).click();
    await page.locator('#directory-problems').waitFor();
    const text = await page.locator('#directory-problems').innerText();
    expect(text).toContain('units.0.groupId');
    expect(text).toContain('groups.5.id');
    expect(text).toContain('sla.problem');
    // Each problem beside its field, in Chinese, and announced with it.
    for (const [id, says] of [
      ['dir-units-0-groupId', '没有编号为“g1”的督导组'],
      ['dir-groups-5-id', '编号“g2”重复'],
      ['dir-sla-problem', '至少 1 个工作日'],
    ]) {
      const field = page.locator(`#${id}`);
      expect(await field.getAttribute('aria-invalid'), id).toBe('true');
      expect(await field.getAttribute('aria-describedby'), id).toContain(`${id}-error`);
      expect(await page.locator(`#${id}-error`).innerText(), id).toContain(says);
    }
    // Every problem of the summary links to an element of the form, a field where it has one.
    const targets = await page.locator('#directory-problems a').evaluateAll((links) =>
      links.map((a) => document.getElementById(a.getAttribute('href')!.slice(1))?.tagName ?? `missing ${a.getAttribute('href')}`),
    );
    expect(targets.length).toBeGreaterThanOrEqual(3);
    for (const tag of targets) expect(['INPUT', 'SELECT', 'TEXTAREA']).toContain(tag);
    // The summary links to the fields, and stays on the page (the console routes by fragment).
    await page.locator('#directory-problems a[href="#dir-sla-problem"]').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('dir-sla-problem');
    expect(page.url()).toContain('#/directory');
    await audit(page, 'directory with problems');
    await screenshot(page, '16-console-directory');

    // The advanced tab: the same document as JSON, with its own problems listed too.
    await page.getByRole('tab', { name: '高级：JSON' }).click();
    const doc = JSON.parse(await page.locator('#directory-json').inputValue());
    expect(doc.groups[5].id).toBe('g2');
    expect(doc.sla.problem).toBe(0);
    await page.locator('#directory-json').fill('{"campaign": ');
    await page.getByRole('button', { name: '检查' }).click();
    await eventually(() => page.locator('#directory-problems').innerText()).toContain('JSON 格式错误');
    await audit(page, 'directory, JSON tab');
  });

  it('a responder sees only its group; a leader reads only', async () => {
    const page = await pageIn(await newContext(browser, desktop));
    await signIn(page, 'demo-g2');
    await page.locator('#queue').waitFor();
    await eventually(() => page.locator('.muted.small[role=status]').innerText()).toMatch(/\d/);
    expect(await page.locator(`tr[data-id="${answered.code}"]`).count()).toBe(0); // routed to g1
    const leader = await pageIn(await newContext(browser, desktop));
    await signIn(leader, 'demo-leader');
    await leader.goto(`${web.url}/console#/item/${answered.code}`);
    await leader.locator('#item-title').waitFor();
    expect(await leader.locator('#reply-form').count()).toBe(0);
    expect(await leader.locator('nav.nav').innerText()).not.toContain('目录设置');
  });

  it('the 404 page passes axe', async () => {
    const page = await pageIn(desktopContext);
    const response = await page.goto(`${web.url}/no-such-page`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await audit(page, '404');
  });

  it('no page logged an error or a CSP violation', () => {
    expect(errors.flat()).toEqual([]);
  });
});
