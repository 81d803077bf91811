import { redirectTo, storageHandler } from '../shared/http/storage-handler';
import { submissionAttachmentParams } from '../shared/schemas/attachment';
import { submitterAttachmentLink } from '../shared/services/attachments';

/** GET /api/submissions/{trackingCode}/attachments/{attachmentId} — the submitter (X-Access-Key) fetches a file. */
export const handler = storageHandler({ params: submissionAttachmentParams }, async (request, deps) =>
  redirectTo(request, await submitterAttachmentLink(deps, request.params.trackingCode, request.headers['x-access-key'], request.params.attachmentId)),
);
