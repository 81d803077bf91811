import { redirectTo, storageStaffHandler } from '../shared/http/storage-handler';
import { itemAttachmentParams } from '../shared/schemas/attachment';
import { staffAttachmentLink } from '../shared/services/attachments';

/** GET /api/items/{id}/attachments/{attachmentId} — staff who may see the item fetch a file; a liaison its rectification's evidence. */
export const handler = storageStaffHandler({ params: itemAttachmentParams, liaisons: true }, async (request, principal, deps) =>
  redirectTo(request, await staffAttachmentLink(deps, principal, request.params.id, request.params.attachmentId)),
);
