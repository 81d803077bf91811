import * as z from 'zod/mini';
import { schema } from './schema';
import { kindSchema } from './directory';
import { statusSchema } from './submission';
import { idSchema, isoInstant, text } from './text';

/** Training sessions (培训场次): what staff send and get, what the session's page reads and sends. */

/** A code as typed in a path (any spelling the reader forgives; the service normalises it). */
export const sessionCodeParams = /* @__PURE__ */ schema(() => z.strictObject({ code: z.string().check(z.maxLength(64)) }));

const endsAfterStart = (value: { startsAt?: string; endsAt?: string | null }, ctx: z.core.$RefinementCtx<unknown>) => {
  if (value.startsAt && value.endsAt && value.endsAt <= value.startsAt) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'Must be after startsAt.', input: value.endsAt });
  }
};

export const createSessionBody = /* @__PURE__ */ schema(() => z
  .strictObject({
    title: text(1, 120),
    startsAt: isoInstant,
    endsAt: z.optional(isoInstant),
    place: z.optional(text(1, 120)),
    groupId: z.optional(idSchema),
    unitIds: z.optional(z.array(idSchema).check(z.maxLength(100))),
  })
  .check(z.superRefine(endsAfterStart)));
export type CreateSessionBody = z.infer<typeof createSessionBody>;

/** `endsAt: null` and `place: null` take them off the session. */
export const updateSessionBody = /* @__PURE__ */ schema(() => z
  .strictObject({
    title: z.optional(text(1, 120)),
    startsAt: z.optional(isoInstant),
    endsAt: z.optional(z.nullable(isoInstant)),
    place: z.optional(z.nullable(text(1, 120))),
    open: z.optional(z.boolean()),
  })
  .check(
    z.superRefine(endsAfterStart),
    z.refine((value) => Object.keys(value).length > 0, { message: 'Give at least one field to change.', when: (payload) => payload.issues.length === 0 }),
  ));
export type UpdateSessionBody = z.infer<typeof updateSessionBody>;

const isoDate = /* @__PURE__ */ schema(() => z.iso.date());

export const sessionListQuery = /* @__PURE__ */ schema(() => z.strictObject({
  groupId: z.optional(idSchema),
  phase: z.optional(idSchema),
  from: z.optional(isoDate),
  to: z.optional(isoDate),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(512))),
}));
export type SessionListQuery = z.output<typeof sessionListQuery>;

const phaseRef = /* @__PURE__ */ schema(() => z.object({ id: z.string(), name: z.string() }));

/** What a session's page and staff both see of it. */
const sessionBasics = /* @__PURE__ */ schema(() => z.object({
  code: z.string(),
  title: z.string(),
  startsAt: isoInstant,
  endsAt: z.optional(isoInstant),
  place: z.optional(z.string()),
  phase: phaseRef,
}));

export const sessionView = /* @__PURE__ */ schema(() => z.extend(sessionBasics, {
  groupId: z.optional(z.string()),
  unitIds: z.array(z.string()),
  open: z.boolean(),
  joinKey: z.string(),
  link: z.string(),
  createdAt: isoInstant,
  version: z.number().check(z.int()),
}));
export type SessionView = z.infer<typeof sessionView>;

export const sessionList = /* @__PURE__ */ schema(() => z.object({ sessions: z.array(sessionView), nextCursor: z.optional(z.string()) }));

export const publicSessionView = /* @__PURE__ */ schema(() => z.extend(sessionBasics, {
  open: z.boolean(),
  units: z.array(z.object({ id: z.string(), name: z.string() })),
}));
export type PublicSessionView = z.infer<typeof publicSessionView>;

export const sessionRatingBody = /* @__PURE__ */ schema(() => z.strictObject({
  score: z.int().check(z.minimum(1), z.maximum(5)),
  comment: z.optional(text(1, 500)),
}));
export type SessionRatingBody = z.infer<typeof sessionRatingBody>;

export const ratingReceived = /* @__PURE__ */ schema(() => z.object({ received: z.literal(true) }));

/** The most entries one records request takes: one transaction (DynamoDB's limit is 100 actions; a test ties them). */
export const maxRecordEntries = 100;

/**
 * A records request's body limit (413 beyond): `maxBodyBytes`, every other route's, would hold a
 * few dozen short rows. This is what the local gateway takes (`maxGatewayBody`, local/gateway.ts;
 * API Gateway takes 10 MB), and keeps the one transaction well under DynamoDB's 4 MB: what is
 * stored is never more bytes than the JSON sent, plus about a kilobyte of keys and attributes per
 * item (test/unit/stated-numbers.test.ts ties these).
 */
export const recordsMaxBodyBytes = 1024 * 1024;

export const recordsBody = /* @__PURE__ */ schema(() => z.strictObject({
  entries: z
    .array(
      z.strictObject({
        kind: kindSchema,
        title: text(1, 120),
        body: text(1, 5000),
        unitId: z.optional(idSchema),
        answer: z.optional(text(1, 5000)),
      }),
    )
    .check(z.minLength(1), z.maxLength(maxRecordEntries)),
}));
export type RecordsBody = z.infer<typeof recordsBody>;

export const recordsCreated = /* @__PURE__ */ schema(() => z.object({
  items: z.array(z.object({ trackingCode: z.string(), accessKey: z.string(), status: statusSchema, answeredOnSpot: z.boolean() })),
}));

const counts = /* @__PURE__ */ schema(() => z.record(z.string(), z.number()));

export const sessionSummary = /* @__PURE__ */ schema(() => z.object({
  session: sessionView,
  ratings: z.object({
    count: z.number(),
    average: z.nullable(z.number()),
    distribution: z.nullable(counts),
    comments: z.nullable(z.array(z.string())),
  }),
  items: z.object({
    total: z.number(),
    byKind: counts,
    answeredOnSpot: z.number(),
    routed: z.number(),
    answered: z.number(),
    closed: z.number(),
    open: z.number(),
    overdue: z.number(),
  }),
}));
