import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { getPendingUpload } from '../shared/data/uploads';
import type { StorageDeps } from '../shared/storage/client';
import { uploadPrefix } from '../shared/storage/object-keys';
import { postPolicyMiddleware } from './post-policy';

/**
 * The local object store: s3rver, a real S3-compatible server, in this process on 127.0.0.1, with
 * the attachments bucket. The handlers reach it through the same @aws-sdk/client-s3 code path as
 * deployed (S3_ENDPOINT, path-style), and the browser posts uploads to it and fetches signed
 * downloads from it as it does from S3.
 *
 * What s3rver 3.7 does NOT do, and what covers for it (checked in test/integration/attachments.test.ts):
 *   - it ignores a presigned POST's policy (key, Content-Type, content-length-range, expiry) and
 *     its signature: anything posted with a key is stored. local/post-policy.ts checks the policy's
 *     expiry and conditions in front of it, as S3 does (not the signature); and the attaching
 *     service's own checks (size, magic bytes against the declared type) refuse what gets past.
 *   - it checks a presigned GET's expiry (X-Amz-Date + X-Amz-Expires against its own clock), but
 *     not its signature.
 *   - it has no lifecycle rules: uploads never attached are removed by the local sweep instead
 *     (`sweepStaleUploads` below), deployed by the bucket's lifecycle rule.
 */
export const localBucket = 'yijian-attachments';
/** AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of the local stack's process. */
export const localAccessKey = 'local';

export interface ObjectStore {
  readonly endpoint: string;
  readonly bucket: string;
  stop(): Promise<void>;
}

/** The CORS rule deployed (infra/attachments-bucket.ts): the site posts uploads and fetches downloads. */
const corsXml = (origin: string) => `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>${origin}</AllowedOrigin>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  /** Koa's middleware list (s3rver is a Koa application). */
  middleware: unknown[];
}

export const startObjectStore = async (options: { directory: string; siteOrigin: string; port?: number }): Promise<ObjectStore> => {
  mkdirSync(options.directory, { recursive: true });
  // s3rver is CommonJS without types.
  const load = createRequire(import.meta.url);
  const S3rver = load('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
  // The local stack's credentials (local/stack.ts), so a signed request names a known key.
  const { DUMMY_ACCOUNT } = load('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };
  DUMMY_ACCOUNT.createKeyPair(localAccessKey, localAccessKey);
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    configureBuckets: [{ name: localBucket, configs: [corsXml(options.siteOrigin)] }],
  });
  // Before s3rver's own routes: the POST policy checks S3 makes and s3rver does not (local/post-policy.ts).
  server.middleware.unshift(postPolicyMiddleware(localBucket));
  const address = await server.run();
  return { endpoint: `http://127.0.0.1:${address.port}`, bucket: localBucket, stop: () => server.close() };
};

/**
 * What the bucket's lifecycle rule does deployed (infra/attachments-bucket.ts), which s3rver does
 * not: removes the uploads under `uploads/` whose attachment id is no longer attachable (its pending
 * record gone or expired by the stack's clock: shared/data/uploads.ts). Decided by the
 * record rather than the object's date, which s3rver takes from the system clock while the stack's
 * clock may be moved. Run with every local sweep; returns how many it removed.
 */
export const sweepStaleUploads = async (deps: StorageDeps): Promise<number> => {
  const { ListObjectsV2Command, DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
  const { storage } = deps;
  const client = await storage.client();
  const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
  let removed = 0;
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: uploadPrefix, ContinuationToken: token }));
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
    const live = await Promise.all(keys.map((key) => getPendingUpload(deps, key.slice(uploadPrefix.length), nowSeconds)));
    const stale = keys.filter((_, i) => live[i] === null).map((Key) => ({ Key }));
    if (stale.length) await client.send(new DeleteObjectsCommand({ Bucket: storage.bucket, Delete: { Objects: stale, Quiet: true } }));
    removed += stale.length;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return removed;
};
