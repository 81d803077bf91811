/**
 * Issue #14, point 6, in headless Chromium on a 390 x 844 phone: no layout shift when the
 * campaign's name and the language switch arrive, a header on one line in both languages, a
 * selected kind that does not look like an error, and an error summary that links to each field.
 * Screenshots go to test-results/e2e/.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { desktop, eventually, phone, runAxe, screenshot, seriousViolations, signInAs, useWebStackAndBrowser } from '../support/browser';
import { chooseUnit, unitGroups } from '../support/unit-picker';

const { web, pages, json } = useWebStackAndBrowser();

/**
 * Opens the form with GET /api/form held back (the real answer, only later), so the campaign's name
 * arrives after the page is drawn, as on a slow phone network; the layout shifts are recorded from
 * the first paint (PerformanceObserver, buffered).
 */
const openSlowForm = async (lang: 'zh' | 'en'): Promise<Page> => {
  const page = await pages.open(phone);
  await page.addInitScript((l) => localStorage.setItem('yijian.lang', l), lang);
  await page.route('**/api/form', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.goto(`${web().url}/`);
  await page.locator('.topbar .sub').filter({ hasText: /\S/ }).waitFor();
  await page.locator('#unit-count').filter({ hasText: /\d/ }).waitFor();
  return page;
};

/** Cumulative layout shift so far: every shift not caused by input, summed (stricter than the session windows). */
const layoutShift = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let sum = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
            if (!entry.hadRecentInput) sum += entry.value;
          }
        }).observe({ type: 'layout-shift', buffered: true });
        // Buffered entries are delivered in the observer's first task; two frames later all are in.
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(sum)));
      }),
  );

describe('the phone form', () => {
  for (const lang of ['zh', 'en'] as const) {
    it(`does not shift when the campaign's name and the language switch arrive (${lang}, 390 x 844)`, async () => {
      const page = await openSlowForm(lang);
      const cls = await layoutShift(page);
      console.log(`CLS on the form (${lang}): ${cls.toFixed(4)}`);
      await screenshot(page, `phone-01-form-${lang}`);
      expect(cls).toBeLessThan(0.1);
    });

    it(`keeps the header on one line (${lang}, 390 px)`, async () => {
      const page = await openSlowForm(lang);
      const rows = await page.evaluate(() => {
        const bar = document.querySelector('header.topbar')!.getBoundingClientRect();
        const parts = [...document.querySelectorAll('header.topbar > .brand, header.topbar > button')].map((el) => el.getBoundingClientRect());
        return { height: bar.height, right: bar.right, parts: parts.map((r) => ({ top: r.top, bottom: r.bottom, right: r.right })) };
      });
      // One row: the brand and the language switch side by side, both inside a bar one button high.
      expect(rows.parts).toHaveLength(2);
      const [brand, toggle] = rows.parts;
      expect(Math.abs((brand!.top + brand!.bottom) / 2 - (toggle!.top + toggle!.bottom) / 2)).toBeLessThan(2);
      expect(rows.height).toBeLessThanOrEqual(56);
      expect(toggle!.bottom).toBeLessThanOrEqual(rows.height);
      expect(toggle!.right).toBeLessThanOrEqual(rows.right);
    });
  }

  it('marks the chosen kind in blue, not in the red of an error', async () => {
    const page = await pages.open(phone);
    await page.goto(`${web().url}/`);
    await page.locator('label.choice', { has: page.locator('#kind-question') }).click();
    const colours = await page.evaluate(() => {
      const chosen = getComputedStyle(document.querySelector('label.choice:has(input:checked)')!);
      const error = getComputedStyle(document.documentElement).getPropertyValue('--bad').trim();
      return { border: chosen.borderTopColor, background: chosen.backgroundColor, accent: getComputedStyle(document.querySelector('#kind-question')!).accentColor, error };
    });
    const rgb = (css: string) => (css.match(/\d+/g) ?? []).slice(0, 3).map(Number) as [number, number, number];
    /** Reddish: red clearly above both green and blue (the error colour #b0151b is). */
    const reddish = ([r, g, b]: [number, number, number]) => r > g + 40 && r > b + 40;
    expect(reddish(rgb('rgb(176, 21, 27)'))).toBe(true);
    expect(reddish(rgb(colours.border)), colours.border).toBe(false);
    expect(reddish(rgb(colours.accent)), colours.accent).toBe(false);
    const [r, g, b] = rgb(colours.background);
    expect(r > b, colours.background).toBe(false);
    await screenshot(page, 'phone-02-kind-chosen');
  });

  it('summarises the errors at the top (role=alert, focused) with a link to each field', async () => {
    const page = await pages.open(phone);
    await page.goto(`${web().url}/`);
    await page.locator('#submit').click();
    const summary = page.locator('#form-banner');
    await summary.waitFor();
    expect(await summary.getAttribute('role')).toBe('alert');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('form-banner');
    const links = await summary.locator('a').evaluateAll((as) => as.map((a) => (a as HTMLElement).dataset.path));
    expect(links).toEqual(['kind', 'title', 'body']);
    await screenshot(page, 'phone-03-error-summary');
    for (const [path, field] of [['kind', 'kind-feedback'], ['title', 'title'], ['body', 'body']] as const) {
      await summary.locator(`a[data-path="${path}"]`).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(field);
    }
    // In English too, the summary follows the switch.
    await page.locator('header button[lang=en]').click();
    await expect.poll(() => summary.locator('a[data-path=title]').innerText()).toMatch(/^Title: /);
  });

  it('picks a unit in one searchable combobox: type, arrow, Enter; axe finds nothing serious with the list open', async () => {
    const page = await pages.open(phone);
    await page.goto(`${web().url}/`);
    await page.locator('#unit-count').filter({ hasText: /\d/ }).waitFor();
    expect(await page.locator('#unit-search').count()).toBe(0);
    expect(await page.locator('select#unit').count()).toBe(0);
    const box = page.locator('#unit');
    expect(await box.getAttribute('role')).toBe('combobox');
    await box.click();
    await box.pressSequentially('财政');
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    const shown = await unitGroups(page);
    const ids = shown.flatMap((g) => g.ids);
    expect(ids.length).toBeGreaterThan(0);
    const names = await page.locator('#unit-listbox [role=option][data-value]:not([data-value=""])').allInnerTexts();
    for (const name of names) expect(name).toContain('财政');
    expect(await page.locator('#unit-count').innerText()).toBe(`找到 ${ids.length} 个单位`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await box.getAttribute('aria-activedescendant')).toBe(`unit-opt-${ids[0]}`);
    const violations = seriousViolations(await runAxe(page));
    expect(violations).toEqual([]);
    await screenshot(page, 'phone-04-unit-picker-open');
    await page.keyboard.press('Enter');
    expect(await box.getAttribute('data-unit-id')).toBe(ids[0]);
    expect(await box.getAttribute('aria-expanded')).toBe('false');
    expect(await box.inputValue()).toBe(names[0]);
    // Enter chose; it did not submit the form.
    expect(await page.locator('#form-banner').count()).toBe(0);
    // Text that names no unit does not stay half-chosen: leaving the box shows the choice again.
    await box.fill('没有这个单位');
    await page.locator('#title').click();
    expect(await box.inputValue()).toBe(names[0]);
    await chooseUnit(page, '');
    expect(await box.inputValue()).toBe('');
  });

  it('keeps the draft while the person visits the tracking page and comes back; clears it after the submission', async () => {
    const page = await pages.open(phone);
    await page.goto(`${web().url}/`);
    await page.locator('#unit-count').filter({ hasText: /\d/ }).waitFor();
    await page.locator('label.choice', { has: page.locator('#kind-suggestion') }).click();
    await chooseUnit(page, 'u01');
    await page.locator('#title').fill('食堂开放时间');
    await page.locator('#body').fill('建议延长晚上的开放时间。');
    await page.locator('#anonymous').click();
    await page.locator('#contact-name').fill('李四');
    // To the tracking page and back by the header's link: a fresh load of the form, not the back-forward cache.
    await page.locator('a[href="/track"]').click();
    await page.waitForURL(/\/track/);
    await page.locator('header a.brand').click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.locator('#title').waitFor();
    expect(await page.locator('#kind-suggestion').isChecked()).toBe(true);
    expect(await page.locator('#title').inputValue()).toBe('食堂开放时间');
    expect(await page.locator('#body').inputValue()).toBe('建议延长晚上的开放时间。');
    expect(await page.locator('#anonymous').isChecked()).toBe(false);
    expect(await page.locator('#contact-name').inputValue()).toBe('李四');
    await page.locator('#unit-count').filter({ hasText: /\d/ }).waitFor();
    expect(await page.locator('#unit').getAttribute('data-unit-id')).toBe('u01');
    await screenshot(page, 'phone-05-draft-back');

    await page.locator('#submit').click();
    await page.locator('#receipt-code').waitFor();
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('yijian.draft')))).toEqual([]);
    await page.locator('#receipt-saved').click();
    await page.locator('#title').waitFor();
    expect(await page.locator('#title').inputValue()).toBe('');
    await page.reload();
    await page.locator('#title').waitFor();
    expect(await page.locator('#title').inputValue()).toBe('');
    expect(await page.locator('#kind-suggestion').isChecked()).toBe(false);
  });
});

describe('the dashboard', () => {
  it('shows "< 1 小时" for a median first reply under an hour, and no green for 0 closed or a 0% rate', async () => {
    const token = (await json('POST', '/api/dev/token', { sub: 'phone-test', name: '测试', groups: ['office'] })).body.token as string;
    const staff = { authorization: `Bearer ${token}` };
    const submitted = await json('POST', '/api/submissions', { kind: 'question', title: '快速答复', body: '请尽快答复。', anonymous: true, unitId: 'u01' });
    expect(submitted.status).toBe(201);
    const { trackingCode, accessKey } = submitted.body;
    const item = await json('GET', `/api/items/${trackingCode}`, undefined, staff);
    const group = item.body.groupId as string;
    expect((await json('POST', `/api/items/${trackingCode}/replies`, { body: '已答复。', visibility: 'public' }, staff)).status).toBeLessThan(300);
    expect((await json('POST', `/api/submissions/${trackingCode}/rating`, { satisfaction: 'unsatisfied' }, { 'X-Access-Key': accessKey })).status).toBe(200);

    const page = await pages.open(desktop);
    await signInAs(page, web(), 'demo-office');
    await page.goto(`${web().url}/console#/dashboard`);
    const median = page.locator(`#by-group tr[data-group="${group}"] td`).last();
    await eventually(() => median.innerText()).toBe('< 1 小时');
    await eventually(() => page.locator('[data-total="rate"] .n').innerText()).toBe('0%');
    expect(await page.locator('[data-total="closed"] .n').innerText()).toBe('0');
    const ok = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--ok').trim());
    expect(ok).toBe('#176a35');
    for (const tile of ['rate', 'closed']) {
      const colour = await page.locator(`[data-total="${tile}"] .n`).evaluate((el) => getComputedStyle(el).color);
      expect(colour, tile).not.toBe('rgb(23, 106, 53)');
    }
    await screenshot(page, 'phone-06-dashboard');
    await page.locator('header button[lang=en]').click();
    await eventually(() => median.innerText()).toBe('< 1 hour');
  });
});

