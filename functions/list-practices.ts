import { json, staffHandler } from '../shared/http/handler';
import { practices } from '../shared/services/staff-desk';

/** GET /api/practices — recommended good practices with their text. */
export const handler = staffHandler({}, async () => json(200, await practices()));
