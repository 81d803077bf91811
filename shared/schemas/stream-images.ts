import * as z from 'zod/mini';
import { schema } from './schema';
import { rectificationStatuses } from '../domain/rectification';
import { kindSchema } from './directory';
import { webhookSchema } from './webhook';
import { resolvedSchema, satisfactionSchema, statusSchema } from './submission';

/**
 * What the stream workers read from a change's image, checked before they act on it: an image
 * that does not parse is a poison record (deterministic: every delivery fails the same way), set
 * aside instead of retried (shared/services/stream-records.ts). Loose objects: a worker checks the
 * attributes it reads and passes the rest by, so an attribute it does not use can never stop it.
 */
const optionalString = () => z.optional(z.string());

/** An item as the tally counts it (shared/domain/counters.ts `CountedItem`). */
export const countedItemImage = /* @__PURE__ */ schema(() => z.looseObject({
  phase: z.string(),
  groupId: optionalString(),
  unitId: optionalString(),
  kind: kindSchema,
  status: statusSchema,
  dueAt: optionalString(),
  overdueNotifiedFor: optionalString(),
  satisfaction: z.optional(satisfactionSchema),
  resolved: z.optional(resolvedSchema),
  createdAt: z.string(),
  firstReplyAt: optionalString(),
  routedAt: optionalString(),
  respondBy: optionalString(),
  respondedAt: optionalString(),
  rectification: z.optional(z.looseObject({ status: z.enum(rectificationStatuses) })),
}));

/** An item as the notify worker plans and writes its messages (shared/notify/templates.ts). */
export const notifiedItemImage = /* @__PURE__ */ schema(() => z.looseObject({
  trackingCode: z.string(),
  kind: kindSchema,
  title: z.string(),
  status: statusSchema,
  version: z.number(),
  unitId: optionalString(),
  groupId: optionalString(),
  dueAt: optionalString(),
  remindedFor: optionalString(),
  overdueNotifiedFor: optionalString(),
  /** The submitter's address, on a new item: they are told it was received (never anyone else). */
  contact: z.optional(z.looseObject({ email: optionalString() })),
  /** A deadline extension: the office hears of a request, the group of the decision. */
  extension: z.optional(z.looseObject({ status: z.enum(['requested', 'approved', 'declined']), workingDays: z.number(), reason: z.string(), requestedAt: z.string() })),
  urgedFor: optionalString(),
  /** A rectification: its unit's liaisons hear of a plan, a return, an approaching deadline. */
  rectification: z.optional(z.looseObject({
    status: z.string(),
    unitId: z.string(),
    measures: z.string(),
    standard: z.string(),
    deadline: z.string(),
    plannedAt: z.string(),
    remindedFor: optionalString(),
    verification: z.optional(z.looseObject({ note: z.string() })),
  })),
}));

/** An item's event as the notify worker reads it (a public reply is e-mailed). */
export const notifiedEventImage = /* @__PURE__ */ schema(() => z.looseObject({
  version: z.number(),
  reply: z.optional(z.looseObject({ body: z.string(), visibility: z.enum(['public', 'internal']), groupId: optionalString() })),
}));

/** A kept notice's row as the notify worker redrives it (shared/data/kept-notices.ts). */
export const keptNoticeImage = /* @__PURE__ */ schema(() => z.looseObject({
  sk: z.string(),
  message: z.looseObject({
    to: z.array(z.string()),
    subject: z.string(),
    text: z.string(),
    /** A group-chat robot's notice (shared/notify/recipients.ts): redriven to that robot. */
    webhook: z.optional(webhookSchema),
    about: z.optional(z.looseObject({ kind: z.string(), trackingCode: z.string() })),
  }),
  attempts: z.number(),
  redriveRequestedAt: optionalString(),
}));
