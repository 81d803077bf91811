import * as z from 'zod/mini';
import { json, staffHandler } from '../shared/http/handler';
import { replaceDirectory } from '../shared/services/directory-admin';

/**
 * PUT /api/admin/directory — the office replaces the directory. The body is validated whole by the
 * directory schema inside the service, so a 400 lists every problem at once.
 */
export const handler = staffHandler({ body: z.unknown() }, async (request, principal, deps) =>
  json(200, await replaceDirectory(deps, principal, request.body)),
);
