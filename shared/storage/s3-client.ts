import { S3Client } from '@aws-sdk/client-s3';
import type { Settings } from '../settings';

/**
 * The S3 client of these settings: locally S3_ENDPOINT points at the S3-compatible server on
 * 127.0.0.1 (path-style addressing: no bucket subdomain there), deployed the SDK resolves the
 * regional endpoint. The same client signs uploads and downloads, so a signed URL names the
 * endpoint the browser can reach. Its own module, loaded by shared/storage/client.ts on first use.
 *
 * The options this desk's use of S3 fixes are written down (`fixedS3Options`) rather than left to
 * the SDK to look up: each option a client is not given is resolved on its first request through
 * a chain of providers (an environment variable, then the shared config files, which do not exist
 * on Lambda). Written down, none of them runs: measured, paired, about 3 ms of the first presigned
 * URL of a cold start (bench/).
 */
export const fixedS3Options = {
  /** One general purpose bucket, named (never an ARN, an access point or an S3 Express directory bucket). */
  useArnRegion: false,
  disableS3ExpressSessionAuth: true,
  /** The standard regional endpoint (the SDK's defaults, fixed). */
  useDualstackEndpoint: false,
  useFipsEndpoint: false,
  /** Checksums as the SDK computes them by default: on every upload that supports one. */
  requestChecksumCalculation: 'WHEN_SUPPORTED',
  responseChecksumValidation: 'WHEN_SUPPORTED',
  retryMode: 'standard',
  maxAttempts: 3,
  authSchemePreference: [],
} as const;

export const newS3Client = (settings: Pick<Settings, 's3Endpoint'>): S3Client =>
  new S3Client({
    ...(settings.s3Endpoint ? { endpoint: settings.s3Endpoint, forcePathStyle: true } : {}),
    ...fixedS3Options,
    authSchemePreference: [...fixedS3Options.authSchemePreference],
  });
