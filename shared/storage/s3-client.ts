import { S3Client } from '@aws-sdk/client-s3';
import type { Settings } from '../settings';

/**
 * The S3 client of these settings: locally S3_ENDPOINT points at the S3-compatible server on
 * 127.0.0.1 (path-style addressing: no bucket subdomain there), deployed the SDK resolves the
 * regional endpoint. The same client signs uploads and downloads, so a signed URL names the
 * endpoint the browser can reach. Its own module, loaded by shared/storage/client.ts on first use.
 */
export const newS3Client = (settings: Pick<Settings, 's3Endpoint'>): S3Client =>
  new S3Client({
    ...(settings.s3Endpoint ? { endpoint: settings.s3Endpoint, forcePathStyle: true } : {}),
    maxAttempts: 3,
  });
