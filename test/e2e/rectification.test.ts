/**
 * Rectification (整改) in headless Chromium: a unit's liaison signs in through the demo picker,
 * sees only their unit's rectifications in the ledger (整改台账), opens one and reports progress;
 * the group then sees it on the item page and verifies it. Screenshots: test-results/e2e/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { desktop, eventually, runAxe, screenshot, seriousViolations, signInAs, useWebStackAndBrowser } from '../support/browser';

const { web, pages, json } = useWebStackAndBrowser();
const unit = demoDirectory.units.find((u) => u.groupId === 'g1' && u.system === '党政机关')!;
const otherUnit = demoDirectory.units.find((u) => u.groupId === 'g1' && u.id !== unit.id)!;
const codes: Record<'mine' | 'theirs', string> = { mine: '', theirs: '' };
let accessKey = '';

const tokenFor = async (groups: string[]) => (await json('POST', '/api/dev/token', { sub: 'e2e-office', name: '办公室', groups })).body.token as string;

const plannedProblem = async (office: string, title: string, unitId: string) => {
  const submitted = await json('POST', '/api/submissions', { kind: 'problem', title, body: '集中学习记录不全。', anonymous: true, unitId });
  expect(submitted.status).toBe(201);
  const code = submitted.body.trackingCode as string;
  if (unitId === unit.id) accessKey = submitted.body.accessKey as string;
  const plan = { unitId, measures: '建立学习台账，每周五集中学习。', standard: '连续四周记录齐全。', deadline: '2099-12-31' };
  const r = await json('PUT', `/api/items/${code}/rectification`, plan, { authorization: `Bearer ${office}`, 'if-match': '"1"' });
  expect(r.status).toBe(200);
  return code;
};

beforeAll(async () => {
  const office = await tokenFor(['office']);
  codes.mine = await plannedProblem(office, '联络员端到端：本单位问题', unit.id);
  codes.theirs = await plannedProblem(office, '联络员端到端：他单位问题', otherUnit.id);
}, 120_000);

describe('a unit liaison in the console', () => {
  it('signs in through the demo picker, sees only the unit’s rectifications, and reports progress', async () => {
    const page = await pages.open(desktop);
    await page.goto(`${web().url}/console`);
    await page.locator('#liaison-unit').selectOption(unit.id);
    await page.locator('#liaison-sign-in').click();
    await page.locator('nav.nav').waitFor();
    // The liaison's console: the ledger and nothing else.
    expect(await page.locator('nav.nav a').allInnerTexts()).toEqual(['整改台账']);
    expect(await page.locator('nav.nav a').getAttribute('aria-current')).toBe('page');
    await page.locator('#ledger tbody tr').first().waitFor();
    const shown = await page.locator('#ledger tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
    expect(shown).toContain(codes.mine);
    expect(shown).not.toContain(codes.theirs);
    for (const cell of await page.locator('#ledger tbody tr td:nth-child(3)').allInnerTexts()) expect(cell).toBe(unit.name);
    await screenshot(page, '60-console-liaison-ledger');
    expect(seriousViolations(await runAxe(page))).toEqual([]);

    await page.locator(`#ledger tr[data-code="${codes.mine}"] a`).click();
    await page.locator('#rectification').waitFor();
    expect(await page.locator('#rectification-status').innerText()).toBe('待整改');
    await page.locator('#rectification-note').fill('已召开专题会，建立学习台账。');
    await page.locator('#rectification-done').check();
    await page.locator('#rectification-progress-form button[type="submit"]').click();
    await eventually(() => page.locator('#rectification-status').innerText()).toBe('待核查');
    expect(await page.locator('#rectification-progress').innerText()).toContain('已召开专题会，建立学习台账。');
    // No reply, assignment or verification for a liaison.
    expect(await page.locator('#reply-form').count()).toBe(0);
    expect(await page.locator('#rectification-verification-form').count()).toBe(0);
    await screenshot(page, '61-console-liaison-progress');
    expect(seriousViolations(await runAxe(page))).toEqual([]);

    // Another unit's item: the same "not found" as any unknown item.
    await page.goto(`${web().url}/console#/item/${codes.theirs}`);
    await eventually(() => page.locator('.banner.bad').count()).toBe(1);
  });

  it('the group verifies it on the item page, and the ledger shows it signed off', async () => {
    const page = await pages.open(desktop);
    await signInAs(page, web(), 'demo-g1');
    await page.goto(`${web().url}/console#/item/${codes.mine}`);
    await page.locator('#rectification-verification-form').waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.locator('#rectification-outcome-verified').check();
    await page.locator('#rectification-verify-note').fill('经核查整改到位，同意销号。');
    await page.locator('#rectification-verification-form button[type="submit"]').click();
    await eventually(() => page.locator('#rectification-status').innerText()).toBe('已销号');
    await page.goto(`${web().url}/console#/rectifications?status=verified`);
    await page.locator(`#ledger tr[data-code="${codes.mine}"]`).waitFor();
    await screenshot(page, '62-console-ledger-verified');
    // The dashboard counts it among the group's signed-off rectifications (the tally, a moment later).
    await page.goto(`${web().url}/console#/dashboard`);
    const verified = page.locator('#rectification-counts tr[data-group="g1"] td').nth(4);
    await eventually(async () => Number(await verified.innerText())).toBeGreaterThanOrEqual(1);
    expect(seriousViolations(await runAxe(page))).toEqual([]);

    // The submitter's tracking page: the rectification signed off, with the group's note.
    const track = await pages.open(desktop);
    await track.goto(`${web().url}/track#${codes.mine}.${accessKey}`);
    await eventually(() => track.locator('#rectification-state').innerText()).toContain('已销号');
    expect(await track.locator('#rectification-signoff').innerText()).toContain('经核查整改到位，同意销号。');
    // Who signed it off is not said (the group's demo user is named 第一督导组).
    expect(await track.locator('#rectification').innerText()).not.toContain('第一督导组');
    await screenshot(track, '63-track-rectification-signed-off');
  });
});
