import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { maxDownloadUrlSeconds } from '../../shared/settings';
import { hasGpsIfd, phoneJpeg, pngImage, uploadAttachment } from '../support/attachments';
import { useClockedStack } from '../support/clocked-stack';
import { leakPattern, type ApiResponse } from '../support/stack';
import { OTHER, OWN, ownUnit } from '../support/staff-people';

/**
 * Attachments on the real local stack (API.md v2, "Attachments"): presigned POSTs to the local
 * S3-compatible server (s3rver on 127.0.0.1), the checks when an upload is attached, the re-encoding
 * that drops EXIF and GPS, and the signed downloads: for whoever may see the item, else 404.
 */

const env = useClockedStack();
const { as } = env;

const expectProblem = (r: ApiResponse, status: number) => {
  expect(r.status, r.text.slice(0, 300)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.text).not.toMatch(leakPattern);
};

const submitWith = async (attachmentIds: string[]) => {
  const r = await env.http.post('/api/submissions', { kind: 'question', title: '路灯不亮', body: '见照片。', anonymous: true, unitId: ownUnit.id, attachmentIds });
  return r;
};

/** The download route asked without following its redirect. */
const download = (path: string, headers: Record<string, string>) => fetch(`${env.stack.url}${path}`, { headers, redirect: 'manual' });

const fetchBytes = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, bytes: Buffer.from(await r.arrayBuffer()), type: r.headers.get('content-type') };
};

describe('attachments', () => {
  it('a JPEG with GPS EXIF uploaded through the presigned POST comes back re-encoded, without any EXIF, to the submitter and the group', async () => {
    const original = await phoneJpeg(64, 48);
    const before = await sharp(original).metadata();
    expect(hasGpsIfd(before.exif)).toBe(true);
    expect(before.orientation).toBe(6);

    const { id, storageStatus } = await uploadAttachment(env.http, { fileName: '路灯.jpg', contentType: 'image/jpeg' }, original);
    expect(storageStatus).toBe(204);
    const created = await submitWith([id]);
    expect(created.status, created.text).toBe(201);
    const { trackingCode, accessKey } = created.json;

    const view = await env.http.get(`/api/submissions/${trackingCode}`, { 'X-Access-Key': accessKey });
    expect(view.json.attachments).toEqual([{ id, fileName: '路灯.jpg', contentType: 'image/jpeg', size: expect.any(Number) }]);
    const staffView = await as('own').get(`/api/items/${trackingCode}`);
    expect(staffView.json.attachments).toEqual(view.json.attachments);

    const r = await download(`/api/submissions/${trackingCode}/attachments/${id}`, { 'X-Access-Key': accessKey });
    expect(r.status).toBe(302);
    const location = r.headers.get('location')!;
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe(String(maxDownloadUrlSeconds));
    const file = await fetchBytes(location);
    expect(file.status).toBe(200);
    expect(file.type).toBe('image/jpeg');
    expect(file.bytes.length).toBe(view.json.attachments[0].size);
    const after = await sharp(file.bytes).metadata();
    expect(after.format).toBe('jpeg');
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    // The orientation was applied to the pixels: the 64x48 photo, turned, stands 48x64.
    expect([after.width, after.height]).toEqual([48, 64]);
    // No trace of the GPS position or the camera anywhere in the file.
    expect(file.bytes.includes(Buffer.from('PhoneMaker'))).toBe(false);
    expect(file.bytes.includes(Buffer.from('Exif\0\0'))).toBe(false);

    const staff = await fetch(`${env.stack.url}/api/items/${trackingCode}/attachments/${id}`, { headers: { authorization: `Bearer ${env.tokens.own}` }, redirect: 'manual' });
    expect(staff.status).toBe(302);
    expect((await fetchBytes(staff.headers.get('location')!)).bytes.equals(file.bytes)).toBe(true);
    // With Accept: application/json, the same link as data (for pages that send a header).
    const asJson = await env.http.get(`/api/items/${trackingCode}/attachments/${id}`, { authorization: `Bearer ${env.tokens.own}`, accept: 'application/json' });
    expect(asJson.status).toBe(200);
    expect(asJson.json).toEqual({ url: expect.stringContaining('X-Amz-Signature='), expiresAt: expect.any(String) });
  });

  it('an id attaches once', async () => {
    const { id } = await uploadAttachment(env.http, { fileName: 'a.png', contentType: 'image/png' }, await pngImage());
    expect((await submitWith([id])).status).toBe(201);
    const again = await submitWith([id]);
    expectProblem(again, 400);
    expect(again.json.errors).toEqual([{ path: 'attachmentIds.0', message: expect.stringMatching(/No such upload/) }]);
    const unknown = await submitWith(['A'.repeat(24)]);
    expectProblem(unknown, 400);
  });

  it('refuses a PNG named .pdf, a 12 MB file and an HTML file, before or after the upload, and stores nothing', async () => {
    const countItems = async () => (await as('office').get(`/api/items?groupId=${OWN}&limit=100`)).json.items.length as number;
    const itemsBefore = await countItems();
    // Declared: refused before anything is uploaded.
    const big = await env.http.post('/api/attachments', { fileName: 'big.jpg', contentType: 'image/jpeg', size: 12 * 1024 * 1024 });
    expectProblem(big, 413);
    expect(big.json.type).toMatch(/attachment-too-large$/);
    const html = await env.http.post('/api/attachments', { fileName: 'page.html', contentType: 'text/html', size: 100 });
    expectProblem(html, 415);
    expect(html.json.type).toMatch(/attachment-type$/);

    // Declared as allowed, but the bytes are not what was declared: storage checks the policy
    // (size, declared type), never the bytes, so the attaching write refuses them.
    const pngAsPdf = await uploadAttachment(env.http, { fileName: 'scan.pdf', contentType: 'application/pdf' }, await pngImage());
    const htmlAsPng = await uploadAttachment(env.http, { fileName: 'photo.png', contentType: 'image/png' }, Buffer.from('<!doctype html><script>alert(1)</script>'));
    expect([pngAsPdf.storageStatus, htmlAsPng.storageStatus]).toEqual([204, 204]);
    // A 12 MB file posted against a 1,000-byte declaration: storage refuses it (the policy's
    // content-length-range: S3, and locally local/post-policy.ts in front of s3rver), and so does
    // a Content-Type other than the one declared.
    const twelve = Buffer.alloc(12 * 1024 * 1024, 0xff);
    twelve.set([0xff, 0xd8, 0xff, 0xe0]);
    const declared = await env.http.post('/api/attachments', { fileName: 'small.jpg', contentType: 'image/jpeg', size: 1000 });
    const post = async (bytes: Buffer, contentType: string) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(declared.json.upload.fields as Record<string, string>)) form.append(name, name === 'Content-Type' ? contentType : value);
      form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), 'small.jpg');
      const r = await fetch(declared.json.upload.url, { method: 'POST', body: form });
      return { status: r.status, text: await r.text() };
    };
    const tooBig = await post(twelve, 'image/jpeg');
    expect(tooBig.status).toBe(400);
    expect(tooBig.text).toContain('EntityTooLarge');
    const wrongType = await post(twelve.subarray(0, 1000), 'text/html');
    expect(wrongType.status).toBe(403);
    // Storage that does not enforce the policy (a direct write, as s3rver alone would take it) is
    // caught again by the attaching write: the object is not the size declared.
    const { withStorage } = await import('../../shared/storage/client');
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const { uploadObjectKey } = await import('../../shared/storage/object-keys');
    const { attachmentIdHash } = await import('../../shared/domain/attachments');
    const { storage } = withStorage(env.stack.deps);
    await (await storage.client()).send(new PutObjectCommand({ Bucket: storage.bucket, Key: uploadObjectKey(attachmentIdHash(declared.json.id)), Body: twelve, ContentType: 'image/jpeg' }));

    const refused = await submitWith([pngAsPdf.id, htmlAsPng.id, declared.json.id]);
    expectProblem(refused, 400);
    expect(refused.json.errors).toEqual([
      { path: 'attachmentIds.0', message: "The file's content is not application/pdf (it is image/png)." },
      { path: 'attachmentIds.1', message: "The file's content is not image/png." },
      { path: 'attachmentIds.2', message: expect.stringMatching(/not the 1000 bytes declared/) },
    ]);
    // Nothing was stored: no item, and the three are still unattached (each still refused alike).
    expect(await countItems()).toBe(itemsBefore);
    expectProblem(await submitWith([pngAsPdf.id]), 400);
  });

  it('an attachment of another item is 404 by key and by role; the other group never gets it', async () => {
    const a = await uploadAttachment(env.http, { fileName: 'a.jpg', contentType: 'image/jpeg' }, await phoneJpeg());
    const first = (await submitWith([a.id])).json;
    const second = (await submitWith([])).json;
    // By key: the other item's own key, and this item's code with the other's key.
    expect((await download(`/api/submissions/${second.trackingCode}/attachments/${a.id}`, { 'X-Access-Key': second.accessKey })).status).toBe(404);
    expect((await download(`/api/submissions/${first.trackingCode}/attachments/${a.id}`, { 'X-Access-Key': second.accessKey })).status).toBe(404);
    expect((await download(`/api/submissions/${first.trackingCode}/attachments/${a.id}`, {})).status).toBe(404);
    // By role: the other group 404 (the item is not theirs), its own group through another item 404.
    const other = await env.http.get(`/api/items/${first.trackingCode}/attachments/${a.id}`, { authorization: `Bearer ${env.tokens.other}` });
    expectProblem(other, 404);
    expect(OTHER).not.toBe(OWN);
    expectProblem(await env.http.get(`/api/items/${second.trackingCode}/attachments/${a.id}`, { authorization: `Bearer ${env.tokens.own}` }), 404);
    expectProblem(await env.http.get(`/api/items/${first.trackingCode}/attachments/${a.id}`), 401);
    expect((await download(`/api/items/${first.trackingCode}/attachments/${a.id}`, { authorization: `Bearer ${env.tokens.office}` })).status).toBe(302);
  });

  it('staff replies carry attachments: a public reply\'s reaches the submitter, an internal note\'s never does', async () => {
    const { trackingCode, accessKey } = (await submitWith([])).json;
    const staffHeaders = { authorization: `Bearer ${env.tokens.own}` };
    const pub = await uploadAttachment(env.http, { fileName: '回复.png', contentType: 'image/png' }, await pngImage(), staffHeaders);
    const note = await uploadAttachment(env.http, { fileName: '内部.png', contentType: 'image/png' }, await pngImage(), staffHeaders);
    const noteReply = await as('own').post(`/api/items/${trackingCode}/replies`, { body: '内部记录', visibility: 'internal', attachmentIds: [note.id] });
    expect(noteReply.status, noteReply.text).toBe(201);
    const reply = await as('own').post(`/api/items/${trackingCode}/replies`, { body: '已修复', visibility: 'public', attachmentIds: [pub.id] });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.json.attachments).toEqual([{ id: pub.id, fileName: '回复.png', contentType: 'image/png', size: expect.any(Number) }]);

    const view = (await env.http.get(`/api/submissions/${trackingCode}`, { 'X-Access-Key': accessKey })).json;
    expect(view.replies.map((r: { attachments?: unknown[] }) => r.attachments?.length)).toEqual([1]);
    expect((await download(`/api/submissions/${trackingCode}/attachments/${pub.id}`, { 'X-Access-Key': accessKey })).status).toBe(302);
    expect((await download(`/api/submissions/${trackingCode}/attachments/${note.id}`, { 'X-Access-Key': accessKey })).status).toBe(404);
    expect((await download(`/api/items/${trackingCode}/attachments/${note.id}`, staffHeaders)).status).toBe(302);

    // A follow-up with a photo: the submitter and the group see it.
    const extra = await uploadAttachment(env.http, { fileName: 'more.jpg', contentType: 'image/jpeg' }, await phoneJpeg());
    const followUp = await env.http.post(`/api/submissions/${trackingCode}/follow-ups`, { body: '又坏了', attachmentIds: [extra.id] }, { 'X-Access-Key': accessKey });
    expect(followUp.status, followUp.text).toBe(201);
    expect((await download(`/api/submissions/${trackingCode}/attachments/${extra.id}`, { 'X-Access-Key': accessKey })).status).toBe(302);
    expect((await as('own').get(`/api/items/${trackingCode}`)).json.followUps[0].attachments[0].id).toBe(extra.id);
    // A staff token that is not valid is refused on the public upload route, never taken as public.
    expectProblem(await env.http.post('/api/attachments', { fileName: 'x.png', contentType: 'image/png', size: 10 }, { authorization: 'Bearer nonsense' }), 401);
  });

  it('rectification progress carries evidence: the liaison uploads and fetches it, another unit\'s liaison and the submitter never', async () => {
    const own = await uploadAttachment(env.http, { fileName: '现场.jpg', contentType: 'image/jpeg' }, await phoneJpeg());
    const { trackingCode, accessKey } = (await submitWith([own.id])).json;
    const planned = await env.http.call('PUT', `/api/items/${trackingCode}/rectification`, {
      body: { unitId: ownUnit.id, measures: '更换灯具。', standard: '夜间照明正常。', deadline: '2099-12-31' },
      headers: { authorization: `Bearer ${env.tokens.own}`, 'if-match': '"1"' },
    });
    expect(planned.status, planned.text).toBe(200);
    const liaison = { authorization: `Bearer ${await env.stack.issuer.issue({ sub: 'liaison-a', name: '联络员 甲', groups: [`unit:${ownUnit.id}`] })}` };
    const stranger = { authorization: `Bearer ${await env.stack.issuer.issue({ sub: 'liaison-b', name: '联络员 乙', groups: ['unit:u99'] })}` };
    const evidence = await uploadAttachment(env.http, { fileName: '整改后.jpg', contentType: 'image/jpeg' }, await phoneJpeg(), liaison);
    const document = await uploadAttachment(env.http, { fileName: '整改报告.pdf', contentType: 'application/pdf' }, Buffer.from('%PDF-1.4\n% report\n'), liaison);
    const reported = await env.http.post(`/api/items/${trackingCode}/rectification/progress`, { note: '已更换灯具。', attachmentIds: [evidence.id, document.id] }, liaison);
    expect(reported.status, reported.text).toBe(201);
    expect(reported.json.rectification.progress[0].attachments.map((a: { fileName: string }) => a.fileName)).toEqual(['整改后.jpg', '整改报告.pdf']);
    // The liaison sees the evidence, not what the submitter attached; the group sees both.
    expect((await download(`/api/items/${trackingCode}/attachments/${evidence.id}`, liaison)).status).toBe(302);
    expect((await download(`/api/items/${trackingCode}/attachments/${document.id}`, liaison)).status).toBe(302);
    expect((await download(`/api/items/${trackingCode}/attachments/${own.id}`, liaison)).status).toBe(404);
    expect((await download(`/api/items/${trackingCode}/attachments/${evidence.id}`, stranger)).status).toBe(404);
    expect((await download(`/api/items/${trackingCode}/attachments/${evidence.id}`, { authorization: `Bearer ${env.tokens.own}` })).status).toBe(302);
    expect((await download(`/api/items/${trackingCode}/attachments/${evidence.id}`, { authorization: `Bearer ${env.tokens.other}` })).status).toBe(404);
    expect((await download(`/api/submissions/${trackingCode}/attachments/${evidence.id}`, { 'X-Access-Key': accessKey })).status).toBe(404);
    // Another unit's liaison cannot report on it, with or without evidence; more than 10 files are refused.
    const theirs = await uploadAttachment(env.http, { fileName: 'x.png', contentType: 'image/png' }, await pngImage(), stranger);
    expectProblem(await env.http.post(`/api/items/${trackingCode}/rectification/progress`, { note: '冒充', attachmentIds: [theirs.id] }, stranger), 404);
    const eleven = Array.from({ length: 11 }, (_, i) => `${'B'.repeat(22)}${String(i).padStart(2, '0')}`);
    expectProblem(await env.http.post(`/api/items/${trackingCode}/rectification/progress`, { note: '太多', attachmentIds: eleven }, liaison), 400);
  });

  it('an upload never attached is removed after a day by the local sweep (the lifecycle rule deployed), and its id expires', async () => {
    const { withStorage } = await import('../../shared/storage/client');
    const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
    const { uploadObjectKey } = await import('../../shared/storage/object-keys');
    const { attachmentIdHash } = await import('../../shared/domain/attachments');
    const { storage } = withStorage(env.stack.deps);
    const client = await storage.client();
    const exists = (id: string) =>
      client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: uploadObjectKey(attachmentIdHash(id)) })).then(() => true, () => false);
    const old = await uploadAttachment(env.http, { fileName: 'old.png', contentType: 'image/png' }, await pngImage());
    expect(await exists(old.id)).toBe(true);
    const day = 25 * 60 * 60 * 1000;
    env.clock.advance(day);
    try {
      const fresh = await uploadAttachment(env.http, { fileName: 'fresh.png', contentType: 'image/png' }, await pngImage());
      await env.stack.sweep();
      expect(await exists(old.id)).toBe(false);
      expect(await exists(fresh.id)).toBe(true);
      expectProblem(await submitWith([old.id]), 400);
      expect((await submitWith([fresh.id])).status).toBe(201);
    } finally {
      env.clock.advance(-day);
    }
  });

  it('a signed URL expires: signed six minutes ago (the stack\'s clock), storage refuses it', async () => {
    const a = await uploadAttachment(env.http, { fileName: 'a.jpg', contentType: 'image/jpeg' }, await phoneJpeg());
    const { trackingCode, accessKey } = (await submitWith([a.id])).json;
    env.clock.advance(-6 * 60 * 1000);
    const r = await download(`/api/submissions/${trackingCode}/attachments/${a.id}`, { 'X-Access-Key': accessKey });
    env.clock.set(null);
    expect(r.status).toBe(302);
    const expired = await fetch(r.headers.get('location')!);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/Request has expired/);
  });
});
