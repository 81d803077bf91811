import type { Deps } from '../shared/deps';
import { httpHandler, json } from '../shared/http/handler';
import { formData } from '../shared/services/public-desk';

/** GET /api/form — what the submission form needs: campaign and phase, kinds, units. */
const getForm = async (_request: unknown, deps: Deps) => json(200, await formData(deps));

export const handler = httpHandler({}, getForm);
