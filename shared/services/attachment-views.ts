import type { AttachmentRecord } from '../data/items';
import type { AttachmentView } from '../schemas/attachment';

/**
 * The `attachments` of a view, present when there are any. On its own (not in ./attachments.ts),
 * so that the views of functions that never touch the bucket bundle no S3 code.
 */
export const toAttachmentViews = (records: readonly AttachmentRecord[] | undefined): { attachments?: AttachmentView[] } =>
  records?.length ? { attachments: records.map(({ id, fileName, contentType, size }) => ({ id, fileName, contentType, size })) } : {};
