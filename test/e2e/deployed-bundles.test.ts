/**
 * The deployed code itself, not the modules the other tests import: the bundles as the stack
 * deploys them (infra/bundling.ts: the SDK's schemas tree-shaken by infra/sdk-schema-keys.ts, the
 * S3 client and its requests in chunks loaded on first use), each started in a fresh Node process
 * as Lambda starts one (bench/bundles.ts runFresh, the bench's cold-start runner), against the real engines of a local stack
 * (DynamoDB Local, the S3-compatible server). A photo goes the whole way: presigned by
 * create-attachment, uploaded, attached by create-submission (read, re-encoded, stored and the
 * upload removed, all through the chunks), fetched through get-submission-attachment's signed URL.
 */
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFresh } from '../../bench/bundles';
import { bundleFunction, handlerEntry } from '../../infra/bundling';
import { lambdaContext } from '../../local/lambda-context';
import type { LocalStack } from '../../local/stack';
import { routes } from '../../shared/routes';
import { uploadObjectKey } from '../../shared/storage/object-keys';
import { attachmentIdHash } from '../../shared/domain/attachments';
import { withStorage } from '../../shared/storage/client';
import { apiGatewayEvent } from '../support/api-event';
import { hasGpsIfd, phoneJpeg } from '../support/attachments';
import { startTestStack } from '../support/stack';
import { ownUnit } from '../support/staff-people';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Under node_modules, so that a bundle's run-time require('sharp') finds the package, as the layer
// is found deployed; a folder per run.
const folder = join(root, 'node_modules', '.cache', 'yijian-deployed-bundles', String(process.pid));

let stack: LocalStack;
const bundles = new Map<string, string>();

beforeAll(async () => {
  stack = await startTestStack({ sweepIntervalSeconds: 0 });
  for (const handler of ['create-attachment', 'create-submission', 'get-submission-attachment']) {
    await bundleFunction(handlerEntry(handler), join(folder, handler));
    bundles.set(handler, join(folder, handler, 'index.mjs'));
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(folder, { recursive: true, force: true });
});

interface Answer {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A fresh process imports the handler's bundle and answers one request of its route. */
const invoke = async (
  handler: string,
  request: { path: string; pathParameters?: Record<string, string>; headers?: Record<string, string>; body?: unknown },
  bundle = bundles.get(handler)!,
): Promise<Answer> => {
  const route = routes.find((r) => r.handler === handler)!;
  const event = apiGatewayEvent({
    method: route.method,
    path: request.path,
    routeKey: `${route.method} ${route.path}`,
    headers: { host: 'desk.example', 'user-agent': 'vitest', ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers },
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
  });
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TABLE_NAME: stack.tableName,
    DYNAMODB_ENDPOINT: stack.dynamoEndpoint,
    ATTACHMENTS_BUCKET: stack.objectStore.bucket,
    S3_ENDPOINT: stack.objectStore.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    YIJIAN_RATE_LIMIT: 'off',
    YIJIAN_ROOM_SECRET: 'deployed-bundles-test-room-secret-of-32-bytes-at-least',
  };
  const { response } = await runFresh(handler, bundle, { event, context: lambdaContext(handler), echo: true }, env);
  return response as Answer;
};

const json = (answer: Answer) => JSON.parse(answer.body ?? 'null') as any;

/** A photo presigned by the create-attachment bundle and uploaded as a browser does; its attachment id. */
const uploadPhoto = async (photo?: Buffer): Promise<string> => {
  const bytes = photo ?? (await phoneJpeg(32, 24));
  const presigned = await invoke('create-attachment', { path: '/api/attachments', body: { fileName: '路灯.jpg', contentType: 'image/jpeg', size: bytes.length } });
  expect(presigned.statusCode, presigned.body).toBe(201);
  const { id, upload } = json(presigned) as { id: string; upload: { url: string; fields: Record<string, string> } };
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), '路灯.jpg');
  const stored = await fetch(upload.url, { method: 'POST', body: form });
  await stored.arrayBuffer();
  expect(stored.status).toBe(204);
  return id;
};

describe('the deployed bundles, each in a fresh process, on the real engines', () => {
  it('carry a photo from the presigned upload through the attaching submission to the signed download, re-encoded', async () => {
    const photo = await phoneJpeg(64, 48);
    expect(hasGpsIfd((await sharp(photo).metadata()).exif)).toBe(true);

    const id = await uploadPhoto(photo);

    const created = await invoke('create-submission', {
      path: '/api/submissions',
      body: { kind: 'question', title: '路灯不亮', body: '见照片。', anonymous: true, unitId: ownUnit.id, attachmentIds: [id] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { trackingCode, accessKey } = json(created) as { trackingCode: string; accessKey: string };
    // The upload was removed once the item named its clean copy (shared/services/attach.ts).
    const client = await withStorage(stack.deps).storage.client();
    const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
    const upload404 = await client.send(new HeadObjectCommand({ Bucket: stack.objectStore.bucket, Key: uploadObjectKey(attachmentIdHash(id)) })).then(() => 200, (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode);
    expect(upload404).toBe(404);

    const link = await invoke('get-submission-attachment', {
      path: `/api/submissions/${trackingCode}/attachments/${id}`,
      pathParameters: { trackingCode, attachmentId: id },
      headers: { 'x-access-key': accessKey },
    });
    expect(link.statusCode, link.body).toBe(302);
    const file = await fetch(link.headers!.location!);
    expect(file.status).toBe(200);
    const bytes = Buffer.from(await file.arrayBuffer());
    const metadata = await sharp(bytes).metadata();
    expect(metadata.format).toBe('jpeg');
    expect(metadata.exif).toBeUndefined();
    // The orientation was applied to the pixels: the 64 × 48 photo taken upright stands 48 × 64.
    expect([metadata.width, metadata.height]).toEqual([48, 64]);
  }, 60_000);

  it('answer a submission that names no upload without the S3 client: its chunks are not even read', async () => {
    // A copy of the bundle without the S3 client's and the S3 requests' chunks (infra/bundling.ts
    // splitting; shared/storage/client.ts, object-commands.ts): a cold start that attaches nothing
    // never loads them, so it answers; one that names an upload needs them.
    const copy = join(folder, 'create-submission-without-s3');
    cpSync(join(folder, 'create-submission'), copy, { recursive: true });
    const s3Chunks = readdirSync(join(copy, 'chunks')).filter((name) => /^(s3-client|object-commands)-.*\.mjs$/.test(name));
    expect(s3Chunks).toHaveLength(2);
    for (const name of s3Chunks) rmSync(join(copy, 'chunks', name));
    const submission = { kind: 'question', title: '食堂', body: '排队太久。', anonymous: true, unitId: ownUnit.id };
    const created = await invoke('create-submission', { path: '/api/submissions', body: submission }, join(copy, 'index.mjs'));
    expect(created.statusCode, created.body).toBe(201);
    expect(json(created).trackingCode).toEqual(expect.any(String));
    // Naming an upload needs them: without them the function cannot attach it (and writes nothing:
    // the same upload then attaches with the whole bundle).
    const id = await uploadPhoto();
    const attaching = await invoke('create-submission', { path: '/api/submissions', body: { ...submission, attachmentIds: [id] } }, join(copy, 'index.mjs'));
    expect(attaching.statusCode, attaching.body).toBe(500);
    const attached = await invoke('create-submission', { path: '/api/submissions', body: { ...submission, attachmentIds: [id] } });
    expect(attached.statusCode, attached.body).toBe(201);
  }, 30_000);
});

