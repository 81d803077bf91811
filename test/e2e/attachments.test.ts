/**
 * Attachments in headless Chromium (issue 13, "What it must show"): a photo taken on the phone (a
 * generated JPEG with GPS EXIF, given to the form's file input) is shrunk in the page, uploaded
 * straight to the local S3-compatible server with progress, and submitted; its submitter sees it on
 * the tracking page, the item's group in the console, and another group never does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { desktop, eventually, phone, screenshot, signInAs, useWebStackAndBrowser } from '../support/browser';
import { phoneJpeg } from '../support/attachments';
import { ownUnit } from '../support/staff-people';
import { chooseUnit } from '../support/unit-picker';

const { web, pages } = useWebStackAndBrowser();
const dir = mkdtempSync(join(tmpdir(), 'yijian-photo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether every image of `selector` has loaded with pixels (a signed URL that works under the CSP). */
const imagesLoaded = (page: Page, selector: string) =>
  page.evaluate((s) => {
    const images = [...document.querySelectorAll<HTMLImageElement>(s)];
    return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
  }, selector);

describe('a photo on the phone form', () => {
  let code = '';
  let key = '';
  let attachmentId = '';

  it('is shrunk in the page, uploaded straight to storage, and submitted with the problem', async () => {
    const file = join(dir, 'IMG_0001.jpg');
    const original = await phoneJpeg(2400, 1800);
    writeFileSync(file, original);
    const person = await pages.open(phone);
    const uploads: { url: string; size: number }[] = [];
    person.on('request', (request) => {
      if (request.method() === 'POST' && request.url().startsWith(web().stack.objectStore.endpoint)) uploads.push({ url: request.url(), size: request.postDataBuffer()?.length ?? 0 });
    });
    await person.goto(`${web().url}/`);
    await person.locator('#unit-count').filter({ hasText: /\d/ }).waitFor();
    await person.locator('label.choice', { has: person.locator('#kind-problem') }).click();
    await chooseUnit(person, ownUnit.id);
    await person.locator('#title').fill('楼道灯坏了');
    await person.locator('#body').fill('三单元楼道灯坏了，见照片。');
    await person.locator('#photos').setInputFiles(file);
    await person.locator('.thumb[data-state="done"]').waitFor();
    expect(await person.locator('.thumb[data-state="done"] .thumb-state').innerText()).toBe('已上传');
    // Straight to storage, once.
    expect(uploads).toHaveLength(1);
    await screenshot(person, 'attachments-01-form-phone');
    await person.locator('button[type=submit]').click();
    await person.locator('#receipt-code').waitFor();
    code = (await person.locator('#receipt-code').innerText()).trim();
    key = (await person.locator('#receipt-key').innerText()).trim();
    const stored = await web().stack.deps.db.client.send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: web().stack.tableName, Key: { pk: `ITEM#${code}`, sk: '#ITEM' } }),
    );
    const attachments = stored.Item?.attachments as { id: string; size: number; contentType: string }[];
    expect(attachments).toHaveLength(1);
    attachmentId = attachments[0]!.id;
    expect(attachments[0]!.contentType).toBe('image/jpeg');
  });

  it('comes back from storage shrunk, without EXIF or GPS, and shows on the tracking page', async () => {
    const link = await fetch(`${web().url}/api/submissions/${code}/attachments/${attachmentId}`, { headers: { 'X-Access-Key': key, accept: 'application/json' } });
    expect(link.status).toBe(200);
    const bytes = Buffer.from(await (await fetch(((await link.json()) as { url: string }).url)).arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect(meta.exif).toBeUndefined();
    // Turned upright (orientation 6) and shrunk to at most 1600 px on its longer side in the page.
    expect([meta.width, meta.height]).toEqual([1200, 1600]);

    const person = await pages.open(phone);
    await person.goto(`${web().url}/track#${code}.${key}`);
    await person.locator('#item-body').waitFor();
    await eventually(() => imagesLoaded(person, '.thumbs.shown img')).toBe(true);
    await screenshot(person, 'attachments-02-track-phone');
  });

  it('is visible to the item\'s group in the console, never to another group', async () => {
    const own = await pages.open(desktop);
    await signInAs(own, web(), 'demo-g1');
    await own.goto(`${web().url}/console#/item/${code}`);
    await own.locator('#item-body').waitFor();
    await eventually(() => imagesLoaded(own, '.thumbs.shown img')).toBe(true);
    expect(await own.locator('.thumbs.shown img').getAttribute('alt')).toBe('IMG_0001.jpg');
    await screenshot(own, 'attachments-03-console-group');

    const other = await pages.open(desktop);
    await signInAs(other, web(), 'demo-g2');
    await other.goto(`${web().url}/console#/item/${code}`);
    await eventually(() => other.locator('main').innerText()).toMatch(/没有|找不到|不存在/);
    expect(await other.locator('.thumbs img').count()).toBe(0);
    const token = await web().stack.issuer.issue({ sub: 'demo-g2', name: '第二督导组', groups: ['group:g2'] });
    const refused = await fetch(`${web().url}/api/items/${code}/attachments/${attachmentId}`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
    expect(refused.status).toBe(404);
  });

  it('the group answers with a photo and a PDF from the console; the person sees them on the tracking page', async () => {
    const photo = join(dir, 'after.png');
    writeFileSync(photo, await sharp({ create: { width: 640, height: 480, channels: 3, background: '#2a7' } }).png().toBuffer());
    const pdf = join(dir, '整改说明.pdf');
    writeFileSync(pdf, '%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    const own = await pages.open(desktop);
    await signInAs(own, web(), 'demo-g1');
    await own.goto(`${web().url}/console#/item/${code}`);
    await own.locator('#reply-body').fill('灯已修好，附照片和说明。');
    await own.locator('#visibility-public').check();
    await own.locator('#reply-files').setInputFiles([photo, pdf]);
    await eventually(() => own.locator('#reply-form .thumb[data-state="done"]').count()).toBe(2);
    await own.locator('#reply-form button[type=submit]').click();
    await eventually(() => own.locator('#thread').innerText()).toContain('灯已修好');
    await eventually(() => imagesLoaded(own, '#thread .thumbs.shown img')).toBe(true);
    expect(await own.locator('#thread .thumbs.shown a').count()).toBe(2);
    // The picker is empty again for the next reply.
    expect(await own.locator('#reply-form .thumb').count()).toBe(0);

    const person = await pages.open(phone);
    await person.goto(`${web().url}/track#${code}.${key}`);
    await person.locator('#conversation').waitFor();
    await eventually(() => imagesLoaded(person, '#conversation .thumbs.shown img')).toBe(true);
    expect(await person.locator('#conversation .thumbs.shown .thumb-name').allInnerTexts()).toEqual(['after.jpg', '整改说明.pdf']);
    await screenshot(person, 'attachments-04-track-reply-phone');
  });

  it('leaves no script or CSP error on any page', () => {
    expect(pages.errors.flat()).toEqual([]);
  });
});
