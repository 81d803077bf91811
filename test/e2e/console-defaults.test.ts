/**
 * Safe console defaults (issue #14 point 4), in headless Chromium on the demo items (seeded through
 * the services, as `npm start` seeds a new data dir): the queue opens on what needs the person's
 * action, a 403 clears the list under it, every status has its own badge and no due date once it
 * ended, the reply box has no default visibility, reject and merge ask first, merge offers similar
 * items of the same group, the leader reads why no contact shows. Screenshots: test-results/e2e/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seedDemoItems } from '../../local/seed-demo-items';
import { demoItems } from '../../shared/demo/items';
import { desktop, eventually, runAxe, screenshot, seriousViolations, signInAs, useWebStackAndBrowser } from '../support/browser';

const { web, pages, json } = useWebStackAndBrowser();
let office = '';
const codes = new Map<string, string>();

const tokenFor = async (groups: string[]) => (await json('POST', '/api/dev/token', { sub: 'test', name: '测试', groups })).body.token as string;

const listAll = async (query: string, token = office) => {
  const out: { trackingCode: string; title: string; status: string }[] = [];
  let cursor = '';
  do {
    const r = await json('GET', `/api/items?limit=100&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    out.push(...r.body.items);
    cursor = r.body.nextCursor ?? '';
  } while (cursor);
  return out;
};

const rowStatuses = (page: Page) => page.locator('#queue tbody tr .badge[class*="status-"]').allInnerTexts();

beforeAll(async () => {
  await seedDemoItems(web().stack.deps);
  office = await tokenFor(['office']);
  for (const item of await listAll('')) codes.set(item.title, item.trackingCode);
  expect(codes.size).toBe(demoItems.length);
}, 120_000);

describe('the queue opens on what needs action', () => {
  it('the office on 待分办; a group on its open items; "all" is one click', async () => {
    const page = await pages.open(desktop);
    await signInAs(page, web(), 'demo-office');
    await page.locator('#queue tbody tr').first().waitFor();
    const triage = await listAll('status=submitted');
    await eventually(() => page.locator('#queue tbody tr').count()).toBe(triage.length);
    expect(new Set(await rowStatuses(page))).toEqual(new Set(['待分办']));
    expect(await page.locator('#view-triage').getAttribute('aria-current')).toBe('page');
    expect(await page.locator('#f-status').inputValue()).toBe('submitted');
    await screenshot(page, '30-console-queue-triage');

    await page.locator('#view-all').click();
    await eventually(() => page.locator('#view-all').getAttribute('aria-current')).toBe('page');
    await eventually(() => page.locator('#queue tbody tr').count()).toBe(25);

    const group = await pages.open(desktop);
    await signInAs(group, web(), 'demo-g2');
    await group.locator('#queue tbody tr').first().waitFor();
    const own = await listAll('groupId=g2&status=assigned,in_progress,reopened');
    await eventually(() => group.locator('#queue tbody tr').count()).toBe(Math.min(25, own.length));
    for (const status of await rowStatuses(group)) expect(['已交办', '办理中', '重新办理']).toContain(status);
    expect(await group.locator('#view-todo').getAttribute('aria-current')).toBe('page');
    expect(await group.locator('#view-triage').count()).toBe(0);
    await screenshot(group, '31-console-queue-group-todo');

    // Another group's items: a 403, and the rows shown before are gone with it.
    await group.goto(`${web().url}/console#/items?groupId=g1`);
    await eventually(() => group.locator('.banner.bad').innerText()).toContain('没有权限');
    expect(await group.locator('#queue tbody tr').count()).toBe(0);
    await screenshot(group, '32-console-queue-403');
  });

  it('every status has a badge of its own, and no due date once an item is closed, rejected or merged', async () => {
    const page = await pages.open(desktop);
    await signInAs(page, web(), 'demo-office');
    await page.goto(`${web().url}/console#/items?status=`);
    await eventually(() => page.locator('#queue tbody tr').count()).toBe(25);
    while (await page.locator('button', { hasText: '加载更多' }).count()) {
      const shown = await page.locator('#queue tbody tr').count();
      await page.locator('button', { hasText: '加载更多' }).click();
      await eventually(() => page.locator('#queue tbody tr').count()).toBeGreaterThan(shown);
    }
    await eventually(() => page.locator('#queue tbody tr').count()).toBe(demoItems.length);
    const looks = await page.evaluate(() => {
      const out: Record<string, string> = {};
      for (const badge of document.querySelectorAll<HTMLElement>('#queue .badge[class*="status-"]')) {
        const style = getComputedStyle(badge);
        out[[...badge.classList].find((c) => c.startsWith('status-'))!] = `${style.color}|${style.backgroundColor}|${style.borderTopStyle}`;
      }
      return out;
    });
    expect(Object.keys(looks)).toHaveLength(8);
    expect(new Set(Object.values(looks)).size, JSON.stringify(looks)).toBe(8);

    const dues = await page.evaluate(() =>
      [...document.querySelectorAll('#queue tbody tr')].map((row) => ({
        status: [...row.querySelector('.badge[class*="status-"]')!.classList].find((c) => c.startsWith('status-'))!.slice(7),
        due: (row.querySelector('td[data-label="期限"]') as HTMLElement).innerText.trim(),
      })),
    );
    for (const { status, due } of dues) {
      if (['closed', 'rejected', 'merged'].includes(status)) expect(due, status).toBe('');
    }
    expect(dues.some((d) => d.status === 'assigned' && d.due !== '')).toBe(true);
    await screenshot(page, '33-console-queue-all-badges');

    await page.goto(`${web().url}/console#/item/${codes.get('学习动员会议材料在哪里下载')}`);
    await eventually(() => page.locator('#item-status').innerText()).toBe('已办结');
    expect(await page.locator('#item-due').count()).toBe(0);
    await page.goto(`${web().url}/console#/item/${codes.get('惠企政策申报截止时间')}`);
    await eventually(() => page.locator('#item-due').count()).toBe(1);
  });
});

describe('the item page asks before it acts', () => {
  it('a reply needs a chosen visibility; afterwards the choice is cleared', async () => {
    const page = await pages.open(desktop);
    await signInAs(page, web(), 'demo-office');
    const code = codes.get('集中学习能否安排在周五下午')!;
    await page.goto(`${web().url}/console#/item/${code}`);
    await page.locator('#reply-body').waitFor();
    expect(await page.locator('#visibility-public').isChecked()).toBe(false);
    expect(await page.locator('#visibility-internal').isChecked()).toBe(false);
    const before = await page.locator('#history li').count();
    await page.locator('#reply-body').fill('请核实一下各支部例会时间。');
    await page.locator('#reply-form button[type=submit]').click();
    await eventually(() => page.locator('#visibility-error').innerText()).toBe('请选择公开答复还是内部意见。');
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe('visibility-public');
    expect(await page.locator('#history li').count()).toBe(before);
    await screenshot(page, '34-console-reply-choose');
    await page.locator('#visibility-internal').check();
    await page.locator('#reply-form button[type=submit]').click();
    await eventually(() => page.locator('#history li').count()).toBe(before + 1);
    expect(await page.locator('#item-status').innerText()).toBe('待分办');
    expect(await page.locator('#visibility-internal').isChecked()).toBe(false);
  });

  it('reject waits for a confirmation and can be cancelled', async () => {
    const page = await pages.open(desktop);
    await signInAs(page, web(), 'demo-office');
    await page.goto(`${web().url}/console#/item/${codes.get('建议学习资料提供电子版')}`);
    await page.locator('#reject-form').evaluate((form) => ((form.closest('details') as HTMLDetailsElement).open = true));
    await page.locator('#reject-reason').fill('已有电子版。');
    await page.locator('#reject-form button[type=submit]').click();
    await page.locator('#reject-confirm').waitFor();
    // The focus moves in an effect, after the paint that shows the element.
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe('reject-confirm');
    expect(await page.locator('#reject-question').innerText()).toContain('提交人会看到');
    await screenshot(page, '35-console-reject-confirm');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.locator('#reject-cancel').click();
    expect(await page.locator('#reject-confirm').count()).toBe(0);
    expect(await page.locator('#item-status').innerText()).toBe('待分办');
    expect(await page.locator('#reject-reason').inputValue()).toBe('已有电子版。');
  });

  it('merge lists the similar items of the same group first and asks before merging', async () => {
    const receipt = await json('POST', '/api/submissions', { kind: 'problem', title: '加装电梯审批太慢了', body: '申请了很久没有结果。', unitId: 'u18', anonymous: true });
    expect(receipt.status).toBe(201);
    const target = codes.get('老旧小区加装电梯审批慢')!;
    const page = await pages.open(desktop);
    await signInAs(page, web(), 'demo-office');
    await page.goto(`${web().url}/console#/item/${receipt.body.trackingCode}`);
    await page.locator('#merge-form').evaluate((form) => ((form.closest('details') as HTMLDetailsElement).open = true));
    // Without typing anything: the most similar title of the same group comes first.
    await page.locator('#merge-candidates input[type=radio]').first().waitFor();
    expect(await page.locator('#merge-candidates input[type=radio]').first().getAttribute('value')).toBe(target);
    await page.locator('#merge-form button[type=submit]').click();
    await eventually(() => page.locator('#merge-target-error').innerText()).toBe('请选择要合并到的事项。');
    await page.locator(`#merge-to-${target}`).check();
    await page.locator('#merge-form button[type=submit]').click();
    await eventually(() => page.locator('#merge-question').innerText()).toContain(target);
    expect(await page.locator('#item-status').innerText()).toBe('已交办');
    await screenshot(page, '36-console-merge-confirm');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.locator('#merge-confirm').click();
    await eventually(() => page.locator('#item-status').innerText()).toBe('已合并');
    expect(await page.locator('#item-due').count()).toBe(0);
  });
});

describe('the tracking page (point 4, the submitter\'s side)', () => {
  const staff = (path: string, body: unknown) => json('POST', path, body, { authorization: `Bearer ${office}` });

  it('shows each answer cycle with its one rating, and the screen reader hears each step\'s state', async () => {
    const receipt = await json('POST', '/api/submissions', { kind: 'problem', title: '楼道灯不亮', body: '三单元楼道灯坏了。', unitId: 'u01', anonymous: true });
    const { trackingCode: code, accessKey } = receipt.body;
    const key = { 'X-Access-Key': accessKey };
    expect((await staff(`/api/items/${code}/replies`, { body: '已报修。', visibility: 'public' })).status).toBe(201);
    expect((await json('POST', `/api/submissions/${code}/rating`, { satisfaction: 'unsatisfied', comment: '还是不亮。' }, key)).status).toBe(200);
    expect((await staff(`/api/items/${code}/replies`, { body: '已更换灯具。', visibility: 'public' })).status).toBe(201);
    const view = await json('GET', `/api/submissions/${code}`, undefined, key);
    expect(view.body.ratings).toEqual([{ satisfaction: 'unsatisfied', createdAt: expect.any(String) }]);

    const page = await pages.open(desktop);
    await page.goto(`${web().url}/track#${code}.${accessKey}`);
    await page.locator('.timeline').waitFor();
    const steps = () => page.locator('.timeline li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-step')));
    expect(await steps()).toEqual(['submitted', 'assigned', 'answered', 'rated', 'reopened', 'answered', 'closed']);
    // One rating for this cycle: the form asks again, and no earlier rating is shown as this one's.
    expect(await page.locator('#rating-form').count()).toBe(1);
    expect(await page.locator('.timeline').innerText()).toContain('您的评价：不满意');
    await page.locator('label.choice', { has: page.locator('#satisfaction-satisfied') }).click();
    await page.locator('#rating-form button[type=submit]').click();
    await eventually(() => page.locator('#status').innerText()).toBe('已办结');
    expect(await steps()).toEqual(['submitted', 'assigned', 'answered', 'rated', 'reopened', 'answered', 'rated', 'closed']);
    expect(await page.locator('#rating-form').count()).toBe(0);
    const said = await page.locator('.timeline li .sr-only').allInnerTexts();
    expect(said.every((s) => s.includes('已完成')), said.join()).toBe(true);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await screenshot(page, '38-track-two-cycles');
  });

  it('a rejected item: no "the answer will show here", and its last step is heard as ended, not in progress', async () => {
    const receipt = await json('POST', '/api/submissions', { kind: 'suggestion', title: '测试不予受理', body: '内容', anonymous: true });
    const { trackingCode: code, accessKey } = receipt.body;
    expect((await staff(`/api/items/${code}/transition`, { action: 'reject', reason: '与主题无关。' })).status).toBe(200);
    const page = await pages.open(desktop);
    await page.goto(`${web().url}/track#${code}.${accessKey}`);
    await eventually(() => page.locator('#status').innerText()).toBe('不予受理');
    expect(await page.locator('main').innerText()).not.toContain('答复后会显示在这里');
    expect(await page.locator('#conversation-heading').count()).toBe(0);
    const last = page.locator('.timeline li').last();
    expect(await last.getAttribute('data-step')).toBe('rejected');
    expect(await last.locator('.sr-only').innerText()).toContain('已结束');
    expect(await page.locator('.timeline [aria-current]').count()).toBe(0);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await screenshot(page, '39-track-rejected');
  });
});

describe('contact details', () => {
  it('the leader reads who may see them, in either language; the office sees them', async () => {
    const code = codes.get('城投项目施工夜间噪音扰民')!;
    const leader = await pages.open(desktop);
    await signInAs(leader, web(), 'demo-leader');
    expect(await leader.locator('#view-triage').count()).toBe(0);
    await leader.goto(`${web().url}/console#/item/${code}`);
    await eventually(() => leader.locator('#item-contact').innerText()).toBe('联系方式仅办公室和责任督导组可见');
    await screenshot(leader, '37-console-leader-contact');
    await leader.locator('header button[lang="en"]').click();
    await eventually(() => leader.locator('#item-contact').innerText()).toBe('Contact details are visible to the office and the responsible group only');

    const office = await pages.open(desktop);
    await signInAs(office, web(), 'demo-office');
    await office.goto(`${web().url}/console#/item/${code}`);
    await eventually(() => office.locator('#item-contact').innerText()).toContain('13800000002');
    await office.goto(`${web().url}/console#/item/${codes.get('集中学习能否安排在周五下午')}`);
    await eventually(() => office.locator('#item-contact').innerText()).toBe('匿名或未留联系方式');
  });

  it('no page logged an error or a CSP violation', () => {
    expect(pages.errors.flat()).toEqual([]);
  });
});
