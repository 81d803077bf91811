import { json, staffHandler } from '../shared/http/handler';
import { readDirectory } from '../shared/services/directory-admin';

/** GET /api/admin/directory — the office reads the directory. */
export const handler = staffHandler({}, async (_request, principal, deps) => json(200, await readDirectory(deps, principal)));
