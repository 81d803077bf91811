/**
 * API.md v2, "Merged items", on the tracking page in headless Chromium: the person whose item was
 * merged reads the status and the answer of the item it was merged into, rates it there, and after
 * a language switch reads it all in English. Screenshots: test-results/e2e/.
 */
import { describe, expect, it } from 'vitest';
import { eventually, phone, runAxe, screenshot, seriousViolations, useWebStackAndBrowser } from '../support/browser';

const { web, pages, json } = useWebStackAndBrowser();

describe('the tracking page of a merged item', () => {
  it('shows the target’s status and public replies, takes a rating once, and says it in English too', async () => {
    const token = (await json('POST', '/api/dev/token', { sub: 'merged-e2e', name: '办公室 测试', groups: ['office'] })).body.token as string;
    const auth = { authorization: `Bearer ${token}` };
    const submit = async (title: string) => {
      const r = await json('POST', '/api/submissions', { kind: 'question', title, body: '夜班职工的通勤怎么解决？', unitId: 'u01', anonymous: true });
      expect(r.status).toBe(201);
      return r.body as { trackingCode: string; accessKey: string };
    };
    const target = await submit('夜班通勤');
    const dup = await submit('夜班下班没有公交');
    expect((await json('POST', `/api/items/${dup.trackingCode}/transition`, { action: 'merge', targetId: target.trackingCode }, auth)).status).toBe(200);

    const page = await pages.open(phone);
    await page.goto(`${web().url}/track#${dup.trackingCode}.${dup.accessKey}`);
    await eventually(() => page.locator('#merged-status').innerText()).toBe('已交办');
    expect(await page.locator('#merged-target').innerText()).toContain('该事项还没有答复');
    expect(await page.locator('#rating-form').count()).toBe(0);

    const answer = '已协调公交公司开通夜班专线，23:30 发车。';
    expect((await json('POST', `/api/items/${target.trackingCode}/replies`, { body: answer, visibility: 'public' }, auth)).status).toBe(201);
    await page.reload();
    await eventually(() => page.locator('#merged-status').innerText()).toBe('已答复');
    expect(await page.locator('#merged-replies').innerText()).toContain(answer);
    expect(await page.locator('#rating-form').innerText()).toContain('合并后的事项不会因此退回');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await screenshot(page, 'merged-01-answer-to-rate');

    await page.locator('label.choice', { has: page.locator('#satisfaction-satisfied') }).click();
    await page.locator('label.choice', { has: page.locator('#resolved-yes') }).click();
    await page.locator('#rating-form button[type=submit]').click();
    await eventually(() => page.locator('.banner.ok').innerText()).toContain('谢谢您的评价');
    expect(await page.locator('#rating-form').count()).toBe(0);
    expect(await page.locator('.timeline').innerText()).toContain('您的评价：满意');
    expect(await page.locator('#status').innerText()).toBe('已合并');
    const view = await json('GET', `/api/submissions/${dup.trackingCode}`, undefined, { 'X-Access-Key': dup.accessKey });
    expect(view.body).toMatchObject({ status: 'merged', satisfaction: 'satisfied', resolved: 'yes', mergedInto: { status: 'answered', canRate: false } });
    await screenshot(page, 'merged-02-rated');

    await page.locator('header button[lang=en]').click();
    await eventually(() => page.locator('#merged-heading').innerText()).toBe('The item yours was merged into');
    expect(await page.locator('#merged-status').innerText()).toBe('Answered');
    expect(await page.locator('.timeline').innerText()).toContain(`Merged into ${target.trackingCode}`);
    expect(pages.errors.flat()).toEqual([]);
  });
});
