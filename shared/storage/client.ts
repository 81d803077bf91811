import type { S3Client } from '@aws-sdk/client-s3';
import type { Deps } from '../deps';
import type { Settings } from '../settings';

/** The attachments bucket and the one S3 client of a process. */
export interface Storage {
  readonly bucket: string;
  /**
   * The client, made on first use, its code loaded then: a function that attaches uploads (a
   * submission, a reply) needs S3 only for a request that names one, and its bundle keeps the S3
   * client in a chunk that a cold start without one never reads (infra/bundling.ts: splitting).
   */
  readonly client: () => Promise<S3Client>;
}

/**
 * The deps of a function that touches attachments. Apart from `Deps` (like the mailer's), so that
 * only those functions bundle the S3 client.
 */
export interface StorageDeps extends Deps {
  readonly storage: Storage;
}

/** The storage of these settings (shared/storage/s3-client.ts makes the client). */
export const createStorage = (settings: Pick<Settings, 'attachmentsBucket' | 's3Endpoint'>): Storage => {
  if (!settings.attachmentsBucket) throw new Error('missing environment variable ATTACHMENTS_BUCKET');
  let client: Promise<S3Client> | undefined;
  return { bucket: settings.attachmentsBucket, client: () => (client ??= import('./s3-client').then(({ newS3Client }) => newS3Client(settings))) };
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
