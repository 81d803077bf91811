/**
 * Answers everyone may read (答复公开) in headless Chromium on the local stack: the office rewrites
 * and publishes an answered item from the console's form (prefilled from the item); a person
 * typing a paraphrased title on the phone form sees it under "这些问题已有答复" and opens it in
 * place; the answers page lists it, searches it and filters it by kind, in Chinese and English;
 * the office withdraws it and it is gone from both. axe-core on every state.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { desktop, eventually, phone, runAxe, screenshot, seriousViolations, signInAs, useWebStackAndBrowser, type WebStack } from '../support/browser';

const files = useWebStackAndBrowser();
const { pages, json } = files;
let web: WebStack;
let code: string;
let groupId: string;

const audit = async (page: Page, name: string) => {
  expect(seriousViolations(await runAxe(page)), name).toEqual([]);
};

const published = {
  title: '老旧小区加装电梯要多久才能批下来',
  question: '小区申请加装电梯，材料交给街道以后多长时间能审批？',
  answer: '加装电梯由街道受理、住建部门联合审查，材料齐全的 20 个工作日内办结，进度可在政务服务网查询。',
};
const privateBody = '我是和平里小区三号楼的张某某，电话 13900001111，材料交了两个月了。';

beforeAll(async () => {
  web = files.web();
  const office = (await json('POST', '/api/dev/token', { sub: 'answers-office', name: '办公室', groups: ['office'] })).body.token as string;
  const receipt = await json('POST', '/api/submissions', { kind: 'question', title: '和平里小区加装电梯审批', body: privateBody, unitId: 'u18', anonymous: true });
  expect(receipt.status).toBe(201);
  code = receipt.body.trackingCode;
  const replied = await json('POST', `/api/items/${code}/replies`, { body: '已转住建部门，20 个工作日内办结。', visibility: 'public' }, { authorization: `Bearer ${office}` });
  expect(replied.status).toBe(201);
  groupId = (await json('GET', `/api/items/${code}`, undefined, { authorization: `Bearer ${office}` })).body.groupId;
  expect(groupId).toMatch(/^g\d$/);
});

describe('published answers in the browser', () => {
  it('the office publishes its rewrite from the item page: the form starts from the item', async () => {
    const page = await pages.open(desktop);
    await signInAs(page, web, 'demo-office');
    await page.goto(`${web.url}/console#/item/${code}`);
    await page.locator('#publication-form').waitFor();
    // Prefilled from the item: its title, its text, its last public reply.
    expect(await page.locator('#publication-title').inputValue()).toBe('和平里小区加装电梯审批');
    expect(await page.locator('#publication-question').inputValue()).toBe(privateBody);
    expect(await page.locator('#publication-answer').inputValue()).toBe('已转住建部门，20 个工作日内办结。');
    await audit(page, 'console, publication form');
    // A blank title is refused beside the field, in Chinese.
    await page.locator('#publication-title').fill('');
    await page.locator('#publication-form button[type=submit]').click();
    expect(await page.locator('#publication-title-error').innerText()).toBe('必填。');
    await page.locator('#publication-title').fill(published.title);
    await page.locator('#publication-question').fill(published.question);
    await page.locator('#publication-answer').fill(published.answer);
    await page.locator('#publication-form button[type=submit]').click();
    await page.locator('#publication-current').waitFor();
    expect(await page.locator('#publication-current').innerText()).toContain(published.answer);
    expect(await page.locator('#history').innerText()).toContain('公开答复');
    await audit(page, 'console, published');
    await screenshot(page, '60-console-publication');

    // The item's group sees what is published, and nothing to change it with.
    const responder = await pages.open(desktop);
    await signInAs(responder, web, `demo-${groupId}`);
    await responder.goto(`${web.url}/console#/item/${code}`);
    await responder.locator('#publication-current').waitFor();
    expect(await responder.locator('#publication-current').innerText()).toContain(published.title);
    expect(await responder.locator('#withdraw, #publication-form').count()).toBe(0);
  });

  it('the form shows it under "这些问题已有答复" while a person types a paraphrased title, and it opens in place', async () => {
    const page = await pages.open(phone);
    await page.goto(`${web.url}/`);
    await page.locator('#title').pressSequentially('楼里想装电梯，审批要多长时间', { delay: 20 });
    const similar = page.locator('#similar-answers');
    await similar.waitFor();
    expect(await page.locator('#similar-heading').innerText()).toBe('这些问题已有答复');
    await eventually(() => similar.locator('summary').allInnerTexts()).toContain(published.title);
    await similar.locator('summary', { hasText: published.title }).click();
    await eventually(() => similar.innerText()).toContain(published.answer);
    expect(await similar.innerText()).not.toContain('张某某');
    // Never in the way: the form still submits.
    expect(await page.locator('#submit').isEnabled()).toBe(true);
    await audit(page, 'form with similar answers');
    await screenshot(page, '61-form-similar-phone');
    // A title with nothing like it shows none.
    await page.locator('#title').fill('会议室的投影仪连不上');
    await eventually(() => page.locator('#similar-answers').count()).toBe(0);
  });

  it('the answers page lists, searches and filters it, in Chinese and English', async () => {
    const page = await pages.open(phone);
    await page.goto(`${web.url}/`);
    await page.locator('a[href="/answers"]').first().click();
    await page.waitForURL(`${web.url}/answers`);
    await eventually(() => page.locator('#answers-list h2').allInnerTexts()).toContain(published.title);
    await audit(page, 'answers page');
    await page.locator('#answers-q').fill('加装电梯');
    await page.locator('#answers-search button[type=submit]').click();
    await page.waitForURL(/\?q=/);
    await eventually(() => page.locator('#answers-list h2').first().innerText()).toBe(published.title);
    expect(await page.locator('#answers-list').innerText()).not.toContain('张某某');
    await page.locator('#answers-kind').selectOption('problem');
    await eventually(() => page.locator('#answers-list h2').allInnerTexts()).not.toContain(published.title);
    await page.locator('#answers-kind').selectOption('question');
    await eventually(() => page.locator('#answers-list h2').allInnerTexts()).toContain(published.title);
    await screenshot(page, '62-answers-search-phone');
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').innerText()).toBe('Published answers');
    await audit(page, 'answers page in English');
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('withdrawn from the console, it is gone from the page and the form', async () => {
    const page = await pages.open(desktop);
    await signInAs(page, web, 'demo-office');
    await page.goto(`${web.url}/console#/item/${code}`);
    await page.locator('#withdraw').click();
    await page.locator('#withdraw-confirm').click();
    await page.locator('#publication-current').waitFor({ state: 'detached' });
    expect(await page.locator('#history').innerText()).toContain('撤回公开答复');

    const answers = await pages.open(phone);
    await answers.goto(`${web.url}/answers?q=${encodeURIComponent('加装电梯')}`);
    await answers.locator('#answers-count').filter({ hasNotText: '正在加载' }).waitFor();
    expect(await answers.locator('#answers-list h2').allInnerTexts()).not.toContain(published.title);
    const form = await pages.open(phone);
    await form.goto(`${web.url}/`);
    const typed = '楼里想装电梯，审批要多长时间';
    await form.locator('#title').fill(typed);
    await form.locator(`#similar-status[data-searched="${typed}"]`).waitFor({ state: 'attached' });
    expect(await form.locator('#similar-answers summary').allInnerTexts()).not.toContain(published.title);
    const similar = (await json('GET', `/api/public/answers/similar?text=${encodeURIComponent(typed)}`)).body.answers as { title: string }[];
    expect(similar.map((a) => a.title)).not.toContain(published.title);
  });
});
