import { attachmentView } from './attachment';
import * as z from 'zod/mini';
import { schema } from './schema';
import { kindIds } from './directory';
import { sessionSummary } from './session';
import { itemSummary } from './staff';
import { statusSchema } from './submission';
import { isoInstant } from './text';

/**
 * The replies no handler validates (the services build them), described here for the OpenAPI
 * document (shared/schemas/openapi.ts). They are checked the other way round: the contract test
 * (test/integration/openapi-contract.test.ts) validates every answer of the local stack against
 * the document, so a service that changes its answer without its schema fails there.
 */

/** GET /api/challenge: altcha-lib v2's `Challenge` (its own type, not ours). */
export const challengeView = /* @__PURE__ */ schema(() => z.object({
  parameters: z.object({
    algorithm: z.string(),
    nonce: z.string(),
    salt: z.string(),
    cost: z.number(),
    keyLength: z.number(),
    keyPrefix: z.string(),
    keySignature: z.optional(z.string()),
    memoryCost: z.optional(z.number()),
    parallelism: z.optional(z.number()),
    expiresAt: z.optional(z.number()),
    data: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  }),
  signature: z.optional(z.string()),
  codeChallenge: z.optional(z.object({ image: z.string(), audio: z.optional(z.string()) })),
}));

/** POST /api/items/{id}/replies: the reply, and the item's status and version after it. */
export const replyCreated = /* @__PURE__ */ schema(() => z.object({
  id: z.string(),
  body: z.string(),
  visibility: z.enum(['public', 'internal']),
  by: z.object({ sub: z.optional(z.string()), name: z.string() }),
  createdAt: isoInstant,
  attachments: z.optional(z.array(attachmentView)),
  status: statusSchema,
  version: z.number().check(z.int()),
}));

const count = /* @__PURE__ */ schema(() => z.int().check(z.minimum(0)));

/** One of the three rates (shared/domain/rates.ts): `rate` is null while the denominator is 0. */
const rate = /* @__PURE__ */ schema(() => z.object({ numerator: count, denominator: count, rate: z.nullable(z.number().check(z.minimum(0), z.maximum(1))) }));
const rectificationCounts = /* @__PURE__ */ schema(() => z.object({ planned: count, in_progress: count, submitted: count, verified: count, returned: count, overdue: count }));
const threeRates = /* @__PURE__ */ schema(() => z.object({ response: rate, resolution: rate, satisfaction: rate }));

/** GET /api/dashboard (shared/services/dashboard.ts). */
export const dashboardView = /* @__PURE__ */ schema(() => z.object({
  generatedAt: isoInstant,
  totals: z.record(z.string(), count),
  byGroup: z.array(z.object({
    /** null: the office's own queue (items no group has yet), shown to the office and leaders. */
    groupId: z.nullable(z.string()),
    name: z.string(),
    open: count,
    overdue: count,
    /** Open items urged (催办) for their due date: what GET /api/items?urged=true lists for the row. */
    urged: count,
    answered: count,
    closed: count,
    medianFirstReplyHours: z.nullable(z.number()),
    rates: threeRates,
    rectifications: rectificationCounts,
  })),
  // A unit below privacy.minCount shows no numbers to anyone but the office.
  byUnit: z.array(z.object({ unitId: z.string(), name: z.string(), total: z.nullable(count), open: z.nullable(count), problems: z.nullable(count), suppressed: z.optional(z.literal(true)) })),
  byKind: z.object(Object.fromEntries(kindIds.map((kind) => [kind, count])) as Record<(typeof kindIds)[number], typeof count>),
  satisfaction: z.object({ satisfied: count, basically: count, unsatisfied: count, rate: z.nullable(z.number().check(z.minimum(0), z.maximum(1))) }),
  rates: threeRates,
  /** Rectifications (整改) by status, and those past their deadline (the unit still owing work). */
  rectifications: rectificationCounts,
}));

/** GET /api/practices: recommended practices with their text. */
export const practiceList = /* @__PURE__ */ schema(() => z.object({ items: z.array(z.extend(itemSummary, { body: z.string() })) }));

/** A kept notice as the office sees it (shared/services/kept-notices.ts). */
export const keptNoticeView = /* @__PURE__ */ schema(() => z.object({
  id: z.string(),
  trackingCode: z.string(),
  kind: z.string(),
  /** `webhook`: a group-chat robot's delivery; `to` then names the robot's service and host (`wecom:qyapi.weixin.qq.com`), never its URL. */
  channel: z.enum(['email', 'webhook']),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  reason: z.string(),
  attempts: count,
  keptAt: isoInstant,
  lastTriedAt: isoInstant,
  redriveRequestedAt: z.optional(isoInstant),
}));
export const keptNoticeList = /* @__PURE__ */ schema(() => z.object({ notices: z.array(keptNoticeView) }));
export const keptNoticeRedriven = /* @__PURE__ */ schema(() => z.object({ id: z.string(), status: z.literal('redriving'), redriveRequestedAt: isoInstant }));
export const keptNoticeDiscarded = /* @__PURE__ */ schema(() => z.object({ id: z.string(), status: z.literal('discarded') }));

/** An item as the report lists it (overdue, urged, practices): names beside the ids, no contact. */
const reportItem = /* @__PURE__ */ schema(() => z.object({
  trackingCode: z.string(),
  kind: z.enum(kindIds),
  title: z.string(),
  status: statusSchema,
  unitId: z.optional(z.string()),
  unitName: z.optional(z.string()),
  groupId: z.optional(z.string()),
  groupName: z.string(),
  createdAt: isoInstant,
  dueAt: z.optional(isoInstant),
  urgedAt: z.optional(isoInstant),
}));
const listedItems = /* @__PURE__ */ schema(() => z.object({ count, items: z.array(reportItem) }));

/** GET /api/reports/summary (shared/services/report.ts): the dashboard's figures for the filter, and what the report lists. */
export const reportView = /* @__PURE__ */ schema(() => z.object({
  generatedAt: isoInstant,
  filter: z.object({ phase: z.optional(z.object({ id: z.string(), name: z.string() })), from: z.optional(z.iso.date()), to: z.optional(z.iso.date()), timezone: z.string() }),
  campaign: z.object({ id: z.string(), name: z.string() }),
  totals: dashboardView.shape.totals,
  byKind: dashboardView.shape.byKind,
  satisfaction: dashboardView.shape.satisfaction,
  rates: threeRates,
  rectifications: dashboardView.shape.rectifications,
  byGroup: dashboardView.shape.byGroup,
  hotSpots: dashboardView.shape.byUnit,
  overdue: listedItems,
  urged: listedItems,
  sessions: z.array(z.extend(sessionSummary, { session: z.object({ code: z.string(), title: z.string(), startsAt: isoInstant, endsAt: z.optional(isoInstant), place: z.optional(z.string()), phase: z.object({ id: z.string(), name: z.string() }), groupId: z.optional(z.string()) }) })),
  practices: z.array(z.extend(reportItem, { body: z.string() })),
}));
