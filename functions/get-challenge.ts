import type { Deps } from '../shared/deps';
import { httpHandler, json } from '../shared/http/handler';
import { issueChallenge } from '../shared/services/room';

/** GET /api/challenge — an ALTCHA proof-of-work challenge, signed, valid for `challengeLifetimeSeconds`. */
const getChallenge = async (_request: unknown, deps: Deps) => json(200, await issueChallenge(deps));

export const handler = httpHandler({}, getChallenge);
