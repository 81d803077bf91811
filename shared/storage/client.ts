import { S3Client } from '@aws-sdk/client-s3';
import type { Deps } from '../deps';
import type { Settings } from '../settings';

/** The attachments bucket and the one S3 client of a process. */
export interface Storage {
  readonly client: S3Client;
  readonly bucket: string;
}

/**
 * The deps of a function that touches attachments. Apart from `Deps` (like the mailer's), so that
 * only those functions bundle the S3 client.
 */
export interface StorageDeps extends Deps {
  readonly storage: Storage;
}

/**
 * The client of these settings: locally S3_ENDPOINT points at the S3-compatible server on
 * 127.0.0.1 (path-style addressing: no bucket subdomain there), deployed the SDK resolves the
 * regional endpoint. The same client signs uploads and downloads, so a signed URL names the
 * endpoint the browser can reach.
 */
export const createStorage = (settings: Pick<Settings, 'attachmentsBucket' | 's3Endpoint'>): Storage => {
  if (!settings.attachmentsBucket) throw new Error('missing environment variable ATTACHMENTS_BUCKET');
  const client = new S3Client({
    ...(settings.s3Endpoint ? { endpoint: settings.s3Endpoint, forcePathStyle: true } : {}),
    maxAttempts: 3,
  });
  return { client, bucket: settings.attachmentsBucket };
};

const made = new WeakMap<Settings, Storage>();

/**
 * `deps` with the storage their settings configure, made on first use and kept per settings (a
 * handler built again on the same deps shares the client), as a Lambda keeps it across invocations.
 */
export const withStorage = <D extends Deps>(deps: D, storage?: Storage): D & StorageDeps => {
  // Its own properties as they are (getters stay getters: the table is still made on first use),
  // so that spreading the result keeps them.
  const own = Object.defineProperties({}, Object.getOwnPropertyDescriptors(deps)) as D & { storage: Storage };
  Object.defineProperty(own, 'storage', {
    enumerable: true,
    get: () => {
      if (storage) return storage;
      let kept = made.get(deps.settings);
      if (!kept) made.set(deps.settings, (kept = createStorage(deps.settings)));
      return kept;
    },
  });
  return own;
};
