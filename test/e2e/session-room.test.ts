/**
 * The session page in a training hall, in headless Chromium: every phone behind one address, and
 * that address's allowance without a proof (YIJIAN_RATE_LIMIT) already used up. The page solves
 * the room's proof of work in a Web Worker while the person reads and types, and attaches it: the
 * participants' ratings and submissions all go through, nobody sees "too many requests" or a
 * puzzle. The default challenge cost, as deployed. One stack, one browser.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { phone, useWebStackAndBrowser } from '../support/browser';

// Read by the stack's settings when it starts (below): one write per address without a proof.
process.env.YIJIAN_RATE_LIMIT = '1/600';
delete process.env.YIJIAN_ROOM_LIMIT;
delete process.env.YIJIAN_CHALLENGE_COST;

const files = useWebStackAndBrowser();
const { pages, json } = files;

/** Every public write the page sends, with whether it carried a proof and how it was answered. */
const watchWrites = (page: Page) => {
  const writes: { path: string; proof: boolean; status: number }[] = [];
  page.on('response', (response) => {
    const request = response.request();
    if (request.method() !== 'POST') return;
    writes.push({ path: new URL(request.url()).pathname, proof: Boolean(request.headers()['x-altcha']), status: response.status() });
  });
  return writes;
};

describe('a hall of phones behind one address', () => {
  let code = '';
  let link = '';
  let joinKey = '';

  it('the allowance is used up: a write without a proof is refused with a challenge', async () => {
    const token = (await json('POST', '/api/dev/token', { sub: 'room-office', name: '办公室', groups: ['office'] })).body.token;
    const created = await json('POST', '/api/sessions', { title: '学习动员培训会', startsAt: '2026-12-08T01:30:00.000Z', place: '大礼堂' }, { authorization: `Bearer ${token}` });
    expect(created.status).toBe(201);
    ({ code, joinKey } = created.body);
    link = `${files.web().url}${created.body.link}`;
    const rate = () => json('POST', `/api/public/sessions/${code}/ratings`, { score: 3 }, { 'X-Session-Key': joinKey });
    expect((await rate()).status).toBe(201);
    const refused = await rate();
    expect(refused.status).toBe(429);
    expect(refused.body.challenge).toBe('/api/challenge');
  });

  /** A phone opens the session's link and taps a star; the thank-you shows once the rating is stored. */
  const openAndRate = async (score: number) => {
    const page = await pages.open(phone);
    const writes = watchWrites(page);
    await page.goto(link);
    await page.locator('#session-title').waitFor();
    await page.locator('label.star', { has: page.locator(`#score-${score}`) }).tap();
    await page.locator('#rating-thanks').waitFor({ timeout: 20_000 });
    return { page, writes };
  };

  it('two phones rate and one submits: every write goes through with a proof solved in the background', async () => {
    const { page: first, writes: firstWrites } = await openAndRate(5);

    await first.locator('label.choice', { has: first.locator('#kind-suggestion') }).click();
    await first.locator('#title').fill('希望多安排互动环节');
    await first.locator('#body').fill('分组讨论时间可以再长一些。');
    await first.locator('#submit').click();
    await first.locator('#receipt-code').waitFor({ timeout: 20_000 });

    const { page: second, writes: secondWrites } = await openAndRate(4);

    // Each person's write went through in the end, with a proof (a first try without one may
    // have been answered 429 with a challenge, then sent again with a proof).
    const writes = [...firstWrites, ...secondWrites];
    const succeeded = writes.filter((w) => w.status === 201);
    expect(succeeded.map((w) => w.path).sort()).toEqual(['/api/public/sessions/' + code + '/ratings', '/api/public/sessions/' + code + '/ratings', '/api/submissions'].sort());
    expect(succeeded.every((w) => w.proof)).toBe(true);
    expect(writes.filter((w) => w.status !== 201 && w.status !== 429)).toEqual([]);
    // Nobody was shown a refusal.
    for (const page of [first, second]) expect(await page.locator('.banner.bad').count()).toBe(0);

    const token = (await json('POST', '/api/dev/token', { sub: 'room-office', name: '办公室', groups: ['office'] })).body.token;
    const items = await json('GET', `/api/items?sessionCode=${code}`, undefined, { authorization: `Bearer ${token}` });
    expect(items.body.items.map((i: { title: string; source: string }) => [i.title, i.source])).toEqual([['希望多安排互动环节', 'session']]);
    const summary = await json('GET', `/api/sessions/${code}/summary`, undefined, { authorization: `Bearer ${token}` });
    expect(summary.body.ratings.count).toBe(3);
    expect([...pages.errors.flat()]).toEqual([]);
  });
});
