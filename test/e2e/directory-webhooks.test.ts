/**
 * Group chats in the console's directory editor (API.md v2, "Group chats"), in headless Chromium:
 * the office adds a DingTalk robot to a group, an address that is not https is refused beside its
 * field in Chinese, and the saved directory holds the robot. Screenshots: test-results/e2e/.
 */
import { describe, expect, it } from 'vitest';
import { desktop, eventually, runAxe, screenshot, seriousViolations, signInAs, useWebStackAndBrowser } from '../support/browser';

const { web, pages, json } = useWebStackAndBrowser();

describe('the directory editor', () => {
  it('takes a group’s robot (kind and address), refusing an address that is not https beside its field', async () => {
    const page = await pages.open(desktop);
    await signInAs(page, web(), 'demo-office');
    await page.goto(`${web().url}/console#/directory`);
    await page.locator('#dir-groups-0-id').waitFor();

    await page.locator('#dir-section-groups .dir-row').first().getByRole('button', { name: '添加群机器人' }).click();
    await page.locator('#dir-groups-0-webhooks-0-kind').selectOption('dingtalk');
    const field = page.locator('#dir-groups-0-webhooks-0-url');
    await field.fill('http://oapi.dingtalk.com/robot/send?access_token=not-https');
    await page.getByRole('button', { name: '检查' }).click();
    await eventually(() => page.locator('#dir-groups-0-webhooks-0-url-error').count()).toBe(1);
    expect(await page.locator('#dir-groups-0-webhooks-0-url-error').innerText()).toContain('请填写机器人的 https:// 地址');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#directory-problems').innerText()).not.toContain('not-https');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await screenshot(page, 'directory-webhooks-01-refused');

    const url = 'https://oapi.dingtalk.com/robot/send?access_token=e2e-robot-key';
    await field.fill(url);
    await page.getByRole('button', { name: '保存' }).click();
    await eventually(() => page.locator('.banner.ok').innerText()).toContain('目录已保存');

    const token = (await json('POST', '/api/dev/token', { sub: 'e2e-dir', name: '办公室', groups: ['office'] })).body.token as string;
    const stored = await json('GET', '/api/admin/directory', undefined, { authorization: `Bearer ${token}` });
    expect(stored.body.groups[0].webhooks).toEqual([{ kind: 'dingtalk', url }]);
    expect(pages.errors.flat()).toEqual([]);
  });
});
