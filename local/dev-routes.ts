import * as z from 'zod/mini';
import { httpHandler, json } from '../shared/http/handler';
import { schema } from '../shared/schemas/schema';
import { text } from '../shared/schemas/text';
import type { DevIssuer } from './dev-issuer';
import type { LocalRoute } from './gateway';
import type { Outbox } from './outbox';

/** Local-only endpoints: never in the route table, so never in the CDK template. (schema() also gives zod/mini its English messages.) */
const tokenRequest = schema(() => z.strictObject({
  sub: z.string().check(z.minLength(1), z.maxLength(128)),
  name: text(1, 60),
  groups: z.array(z.string().check(z.regex(/^(office|leader|group:[A-Za-z0-9_-]{1,64}|unit:[A-Za-z0-9_-]{1,64})$/, 'Must be office, leader, group:<groupId> or unit:<unitId>.'))).check(z.maxLength(20)),
}));

export const devRoutes = (issuer: DevIssuer, outbox: Outbox, sweep: () => Promise<unknown>): LocalRoute[] => [
  {
    method: 'POST',
    path: '/api/dev/token',
    auth: 'local',
    load: async () => httpHandler({ body: tokenRequest }, async (request) => json(201, { token: await issuer.issue(request.body) })),
  },
  {
    // The local issuer's public keys, for the gateway and the export function (shared/http/jwt.ts).
    method: 'GET',
    path: '/api/dev/jwks.json',
    auth: 'local',
    load: async () => httpHandler({}, async () => json(200, await issuer.jwks())),
  },
  {
    method: 'GET',
    path: '/api/dev/outbox',
    auth: 'local',
    load: async () => httpHandler({}, async () => json(200, { items: outbox.list() })),
  },
  {
    method: 'POST',
    path: '/api/dev/sweep',
    auth: 'local',
    // `npm run sweep`: what the schedule does every `scheduleWorker.everyMinutes` deployed, now.
    load: async () => httpHandler({}, async () => json(200, await sweep())),
  },
];
