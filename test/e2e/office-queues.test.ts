/**
 * Two queues of the office's year in the console, headless Chromium: the dashboard's urged tile and
 * column (equal to the API's figures), and the office's view of the extension requests waiting
 * for its decision ("待审批延期"). The items are urged the way the sweeper does it, with the
 * stack's clock moved for the sweep only. Screenshots: test-results/e2e/.
 */
import { describe, expect, it } from 'vitest';
import { desktop, eventually, runAxe, screenshot, seriousViolations, signInAs, useWebStackAndBrowser } from '../support/browser';

const { web, pages, json } = useWebStackAndBrowser();
const at10 = (date: string) => new Date(`${date}T10:00:00.000+08:00`);

describe('the office’s queues', () => {
  it('the dashboard shows the urged items as the API counts them; the queue lists the extension requests to decide', async () => {
    const { stack } = web();
    const submit = async (title: string) => {
      const r = await json('POST', '/api/submissions', { kind: 'question', title, body: '请尽快答复。', unitId: 'u01', anonymous: true });
      expect(r.status).toBe(201);
      return r.body.trackingCode as string;
    };
    stack.clock.set(new Date('2026-12-07T02:00:00.000Z'));
    const urged = await submit('学习资料一直没有发');
    const extended = await submit('需要两个单位会商的问题');
    stack.clock.set(at10('2026-12-18'));
    for (let i = 0; i < 2; i++) await stack.sweep();
    stack.clock.set(null);

    const token = (await json('POST', '/api/dev/token', { sub: 'e2e-queues', name: '办公室', groups: ['office'] })).body.token as string;
    const auth = { authorization: `Bearer ${token}` };
    expect((await json('POST', `/api/items/${extended}/extension`, { workingDays: 3, reason: '需两个单位会商' }, auth)).status).toBe(201);
    const figures = (await json('GET', '/api/dashboard', undefined, auth)).body;
    expect(figures.totals.urged).toBeGreaterThanOrEqual(2);

    const page = await pages.open(desktop);
    await signInAs(page, web(), 'demo-office');
    await page.goto(`${web().url}/console#/dashboard`);
    await eventually(() => page.locator('[data-total="urged"] .n').innerText()).toBe(String(figures.totals.urged));
    expect(await page.locator('[data-total="urged"]').innerText()).toContain('已催办');
    const g1 = figures.byGroup.find((g: { groupId: string | null }) => g.groupId === 'g1');
    expect(await page.locator('#by-group thead').innerText()).toContain('已催办');
    expect(await page.locator('#by-group tr[data-group="g1"] td').nth(2).innerText()).toBe(String(g1.urged));
    await screenshot(page, 'office-queues-01-dashboard-urged');

    await page.goto(`${web().url}/console#/items`);
    await page.locator('#view-extension').click();
    await eventually(() => page.locator(`#queue tr[data-id="${extended}"]`).count()).toBe(1);
    expect(await page.locator(`#queue tr[data-id="${urged}"]`).count()).toBe(0);
    expect(await page.locator('#f-extension').isChecked()).toBe(true);
    expect(await page.locator('#view-extension').getAttribute('aria-current')).toBe('page');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await screenshot(page, 'office-queues-02-extensions');
    expect(pages.errors.flat()).toEqual([]);
  });
});
