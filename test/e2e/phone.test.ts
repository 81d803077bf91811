/**
 * Issue #14, point 6, in headless Chromium on a 390 x 844 phone: no layout shift when the
 * campaign's name and the language switch arrive, a header on one line in both languages, a
 * selected kind that does not look like an error, and an error summary that links to each field.
 * Screenshots go to test-results/e2e/.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { phone, screenshot, useWebStackAndBrowser } from '../support/browser';

const { web, pages } = useWebStackAndBrowser();

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
});
