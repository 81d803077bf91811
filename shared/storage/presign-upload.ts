import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import type { Storage } from './client';

/**
 * A presigned POST whose policy fixes the key, the Content-Type and the exact size, so the storage
 * refuses any other file. A module of its own: shared/services/attachments.ts loads it (and the
 * client) while the room admits the write, so the S3 code compiles while the table answers.
 */
export const presignUpload = async (storage: Storage, key: string, contentType: string, size: number, expires: number): Promise<PresignedPost> =>
  createPresignedPost(await storage.client(), {
    Bucket: storage.bucket,
    Key: key,
    Fields: { 'Content-Type': contentType },
    Conditions: [
      ['eq', '$Content-Type', contentType],
      ['content-length-range', size, size],
    ],
    Expires: expires,
  });
