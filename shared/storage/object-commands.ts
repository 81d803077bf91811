import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { Storage } from './client';

/**
 * The S3 requests of attaching an upload (shared/services/attach.ts), in a module of their own
 * that attach.ts loads on the first request naming an upload: with the client
 * (shared/storage/client.ts), the functions that attach keep S3 out of a cold start that attaches
 * nothing. Errors are the SDK's, as they come.
 */
export const getObject = async (storage: Storage, key: string): Promise<GetObjectCommandOutput> =>
  (await storage.client()).send(new GetObjectCommand({ Bucket: storage.bucket, Key: key }));

export const putObject = async (storage: Storage, key: string, body: Uint8Array, contentType: string, contentDisposition: string): Promise<void> => {
  await (await storage.client()).send(new PutObjectCommand({ Bucket: storage.bucket, Key: key, Body: body, ContentType: contentType, ContentDisposition: contentDisposition }));
};

export const deleteObjects = async (storage: Storage, keys: readonly string[]): Promise<void> => {
  await (await storage.client()).send(new DeleteObjectsCommand({ Bucket: storage.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
};
