import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Storage } from './client';

/**
 * A signed GET of one object, naming the type and file name the browser is to use. A module of
 * its own: shared/services/attachments.ts loads it (and the client) while it reads the item, so
 * the S3 code compiles while the table answers instead of before the first request.
 */
export const presignDownload = async (
  storage: Storage,
  key: string,
  response: { contentType: string; contentDisposition: string },
  expiresIn: number,
  signingDate: Date,
): Promise<string> =>
  getSignedUrl(
    await storage.client(),
    new GetObjectCommand({ Bucket: storage.bucket, Key: key, ResponseContentType: response.contentType, ResponseContentDisposition: response.contentDisposition }),
    { expiresIn, signingDate },
  );
