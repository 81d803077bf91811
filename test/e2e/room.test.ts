/**
 * The room in the pages (issue #11): beyond the address's allowance a public write needs a proof
 * of work, and the pages make it without anyone noticing. This file's stack allows 1 write per
 * address without a proof and 5 in all (YIJIAN_RATE_LIMIT=1/600, YIJIAN_ROOM_LIMIT=5/600), with
 * cheap challenges; the browser and this file's client share one address (127.0.0.1), as a hall
 * shares its Wi-Fi.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import { jsonClient, launchBrowser, pageOpener, phone, startWebStack, type WebStack } from '../support/browser';

process.env.YIJIAN_RATE_LIMIT = '1/600';
process.env.YIJIAN_ROOM_LIMIT = '5/600';
process.env.YIJIAN_CHALLENGE_COST = '1';

let web: WebStack;
let browser: Browser;
const pages = pageOpener(() => browser);
const client = jsonClient(() => web);

beforeAll(async () => {
  [web, browser] = await Promise.all([startWebStack(), launchBrowser()]);
  // The window starts a second in: all writes of this file fall in one.
  const windowMs = 600_000;
  web.stack.clock.set(new Date(Math.ceil(Date.now() / windowMs) * windowMs + 1000));
}, 120_000);

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  await web?.stop();
});

/** The public writes a page sent: whether each carried a proof. */
const watchWrites = (page: Page) => {
  const writes: { path: string; proof: boolean }[] = [];
  page.on('request', (request: Request) => {
    if (request.method() === 'POST' && request.url().includes('/api/')) writes.push({ path: new URL(request.url()).pathname, proof: request.headers()['x-altcha'] !== undefined });
  });
  return writes;
};

/** The items stored (a Scan: fine in a test that counts what is stored). */
const itemCount = async () => {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const { client: dynamo, tableName } = web.stack.deps.db;
  const { Count } = await dynamo.send(new ScanCommand({ TableName: tableName, Select: 'COUNT', FilterExpression: 'entity = :item', ExpressionAttributeValues: { ':item': 'item' } }));
  return Count!;
};

const fillSubmission = async (page: Page, title: string) => {
  await page.locator('#unit-count').filter({ hasText: /\d/ }).waitFor();
  await page.locator('label.choice', { has: page.locator('#kind-question') }).click();
  await page.locator('#title').fill(title);
  await page.locator('#body').fill('会场里大家共用一个网络。');
};

describe('the pages in a room behind one address', () => {
  let trackLink = '';

  it('send a submission again with a proof, unseen, when the server asks for one (429 with a challenge)', async () => {
    // Someone else in the hall used the address's one write without a proof.
    expect((await client('POST', '/api/submissions', { kind: 'question', title: '第一个', body: '占用', anonymous: true })).status).toBe(201);
    const page = await pages.open(phone);
    // The challenge comes slowly: the person submits before a proof is ready.
    await page.route('**/api/challenge', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    const writes = watchWrites(page);
    await page.goto(`${web.url}/`);
    await fillSubmission(page, '会场网络共用');
    await page.locator('button[type=submit]').click();
    await page.locator('#receipt-code').waitFor({ timeout: 20_000 });
    expect(writes).toEqual([
      { path: '/api/submissions', proof: false },
      { path: '/api/submissions', proof: true },
    ]);
    trackLink = (await page.locator('#track-link').getAttribute('href')) ?? '';
    expect(trackLink).toMatch(/^\/track#/);
  });

  it('attach the proof solved while the person typed to the next public write (the tracking page\'s follow-up)', async () => {
    const page = await pages.open(phone);
    const writes = watchWrites(page);
    const challenges: string[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/api/challenge')) challenges.push(String(response.status()));
    });
    await page.goto(`${web.url}${trackLink}`);
    await page.locator('#follow-up').fill('补充一句：会场在三楼。');
    // Solving started when the form was first touched; the proof is ready before the button is pressed.
    await expect.poll(() => challenges.length, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(500);
    await page.locator('form:has(#follow-up) button[type=submit]').click();
    await expect.poll(() => page.locator('#follow-up').inputValue(), { timeout: 15_000 }).toBe('');
    expect(writes).toEqual([{ path: '/api/submissions/' + decodeURIComponent(trackLink.slice('/track#'.length).split('.')[0]!) + '/follow-ups', proof: true }]);
  });

  it('say in Chinese that the room has reached its limit, and store nothing more', async () => {
    // Three writes so far (a refused one counts nothing); two more reach the room's ceiling of five.
    const page = await pages.open(phone);
    await page.goto(`${web.url}/`);
    let stored = 3;
    while (stored < 5) {
      await fillSubmission(page, `第${stored + 1}个`);
      await page.waitForTimeout(300);
      await page.locator('button[type=submit]').click();
      await page.locator('#receipt-code').waitFor({ timeout: 20_000 });
      stored++;
      // The receipt stays (a reload shows it again) until the person says they kept it.
      await page.locator('#receipt-saved').click();
    }
    await fillSubmission(page, '超过上限');
    await page.waitForTimeout(300);
    const before = await itemCount();
    await page.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('#form-banner').innerText(), { timeout: 15_000 }).toContain('这个会场网络的提交已达到本时段上限');
    expect(await page.locator('#receipt-code').count()).toBe(0);
    expect(await itemCount()).toBe(before);
    for (const errors of pages.errors) expect(errors).toEqual([]);
  });
});
