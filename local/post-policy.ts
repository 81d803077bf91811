import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { maxAttachmentBytes } from '../shared/schemas/attachment';

/**
 * What S3 checks of a presigned POST and s3rver 3.7 does not (local/object-store.ts): the policy's
 * expiration and its conditions on the key, the Content-Type and the size (content-length-range).
 * A Koa middleware put in front of s3rver's routes: a POST that breaks its policy is refused as S3
 * refuses it (403 AccessDenied for an expired policy or a condition not met, 400 EntityTooLarge /
 * EntityTooSmall for the size), so the pages and tests meet the same refusals locally. The
 * signature is not checked (s3rver cannot: it does not know the policy's signing key derivation),
 * and neither is anything our presigner never writes.
 */

interface KoaContext {
  method: string;
  path: string;
  req: IncomingMessage;
  status: number;
  body: unknown;
  type: string;
  is(type: string): string | false | null;
  set(name: string, value: string): void;
}

type Condition = [string, string, string | number] | [string, number, number] | Record<string, string>;

/** The largest POST read to check it: the largest file (`maxAttachmentBytes`) and its form fields, with a MiB of room. */
const maxPostBytes = maxAttachmentBytes + 1024 * 1024;

const refuse = (ctx: KoaContext, status: number, code: string, message: string) => {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
};

const readAll = (req: IncomingMessage): Promise<Buffer | null> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxPostBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxPostBytes ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** The form's fields and the file's size, as S3 reads a POST. */
const parseForm = (headers: IncomingMessage['headers'], body: Buffer): Promise<{ fields: Record<string, string>; fileBytes: number }> =>
  new Promise((resolve, reject) => {
    const Busboy = createRequire(import.meta.url)('busboy') as new (options: { headers: IncomingMessage['headers'] }) => NodeJS.WritableStream & {
      on(event: 'field', listener: (name: string, value: string) => void): void;
      on(event: 'file', listener: (name: string, file: NodeJS.ReadableStream) => void): void;
      on(event: 'finish' | 'error', listener: (error?: Error) => void): void;
    };
    const fields: Record<string, string> = {};
    let fileBytes = 0;
    const busboy = new Busboy({ headers });
    busboy.on('field', (name, value) => (fields[name.toLowerCase()] = value));
    busboy.on('file', (_name, file) => file.on('data', (chunk: Buffer) => (fileBytes += chunk.length)));
    busboy.on('finish', () => resolve({ fields, fileBytes }));
    busboy.on('error', (error) => reject(error));
    Readable.from([body]).pipe(busboy);
  });

/** Why the fields break the policy (S3's code and message), or null when they keep it. */
const broken = (policy: { expiration?: string; conditions?: Condition[] }, posted: Record<string, string>, fileBytes: number, now: Date, bucket: string) => {
  // The bucket is the URL's, not a form field.
  const fields: Record<string, string> = { ...posted, bucket };
  if (!policy.expiration || Date.parse(policy.expiration) <= now.getTime()) return { status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' };
  for (const condition of policy.conditions ?? []) {
    if (Array.isArray(condition) && condition[0] === 'content-length-range') {
      const [, min, max] = condition as [string, number, number];
      if (fileBytes > max) return { status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size' };
      if (fileBytes < min) return { status: 400, code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed size' };
    } else if (Array.isArray(condition) && condition[0] === 'eq') {
      const [, field, value] = condition as [string, string, string];
      if ((fields[field.replace(/^\$/, '').toLowerCase()] ?? '') !== value) return { status: 403, code: 'AccessDenied', message: `Invalid according to Policy: Policy Condition failed: ${field}` };
    } else if (!Array.isArray(condition)) {
      for (const [field, value] of Object.entries(condition)) {
        if ((fields[field.toLowerCase()] ?? '') !== value) return { status: 403, code: 'AccessDenied', message: `Invalid according to Policy: Policy Condition failed: ${field}` };
      }
    }
  }
  return null;
};

export const postPolicyMiddleware = (bucket: string) => async (ctx: KoaContext, next: () => Promise<void>) => {
  if (ctx.method !== 'POST' || ctx.path.replace(/\/+$/, '') !== `/${bucket}` || !ctx.is('multipart/form-data')) return next();
  const original = ctx.req;
  const body = await readAll(original);
  if (body === null) return refuse(ctx, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  const { fields, fileBytes } = await parseForm(original.headers, body);
  if (!fields.policy) return refuse(ctx, 403, 'AccessDenied', 'Bucket POST must contain a field named policy.');
  let policy: { expiration?: string; conditions?: Condition[] };
  try {
    policy = JSON.parse(Buffer.from(fields.policy, 'base64').toString('utf8'));
  } catch {
    return refuse(ctx, 400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
  }
  const refusal = broken(policy, fields, fileBytes, new Date(), bucket);
  if (refusal) return refuse(ctx, refusal.status, refusal.code, refusal.message);
  // s3rver reads the body again: hand it the bytes read, with the request's headers.
  ctx.req = Object.assign(Readable.from([body]), { headers: original.headers }) as unknown as IncomingMessage;
  return next();
};
