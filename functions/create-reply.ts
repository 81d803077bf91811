import { changeTarget, parseIfMatch } from '../shared/http/headers';
import { versioned } from '../shared/http/middy-stack';
import { storageStaffHandler } from '../shared/http/storage-handler';
import { itemIdParams, replyBody } from '../shared/schemas/staff';
import { replyToItem } from '../shared/services/item-actions';

/** POST /api/items/{id}/replies — a public reply (answers the item) or an internal note, with attachments. */
export const handler = storageStaffHandler({ params: itemIdParams, body: replyBody }, async (request, principal, deps) => {
  const reply = await replyToItem(deps, changeTarget(principal, request, parseIfMatch), request.body);
  return versioned(201, reply);
});
