import { json, staffHandler } from '../shared/http/handler';
import { practices } from '../shared/services/item-lists';

/** GET /api/practices — recommended good practices with their text. */
export const handler = staffHandler({}, async (_request, _principal, deps) => json(200, await practices(deps)));
