import { httpHandler, json } from '../shared/http/handler';
import { formData } from '../shared/services/public-desk';

/** GET /api/form — what the submission form needs: campaign and phase, kinds, units. */
const getForm = async () => json(200, await formData());

export const handler = httpHandler({}, getForm);
