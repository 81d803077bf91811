import * as z from 'zod/mini';
import { schema } from './schema';
import { kindSchema } from './directory';
import { isoInstant, text } from './text';

/** Answers everyone may read (API.md v2, "Answers everyone may read (答复公开)"). */

/** POST /api/items/{id}/publication (office): the rewrite, so that nobody can be recognised. */
export const publicationBody = /* @__PURE__ */ schema(() => z.strictObject({ title: text(1, 120), question: text(1, 2000), answer: text(1, 5000) }));
export type PublicationInput = z.output<typeof publicationBody>;

/** What the staff item view shows of it (`Item.publication`). */
export const publicationView = /* @__PURE__ */ schema(() => z.object({
  id: z.string(),
  title: z.string(),
  question: z.string(),
  answer: z.string(),
  publishedAt: isoInstant,
  publishedBy: z.object({ sub: z.optional(z.string()), name: z.string() }),
}));

/** GET /api/public/answers: `q` ranks by likeness (shared/domain/answer-similarity.ts), else newest first. */
export const publicAnswersQuery = /* @__PURE__ */ schema(() => z.strictObject({
  q: z.optional(text(1, 100)),
  kind: z.optional(kindSchema),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(512))),
}));

/** GET /api/public/answers/similar: the text a person is typing. */
export const similarAnswersQuery = /* @__PURE__ */ schema(() => z.strictObject({ text: text(2, 500) }));

const publicAnswer = /* @__PURE__ */ schema(() => z.object({ id: z.string(), kind: kindSchema, title: z.string(), question: z.string(), answer: z.string(), publishedAt: isoInstant }));

export const publicAnswerList = /* @__PURE__ */ schema(() => z.object({ answers: z.array(publicAnswer), nextCursor: z.optional(z.string()) }));

export const similarAnswerList = /* @__PURE__ */ schema(() => z.object({
  answers: z.array(z.extend(publicAnswer, { score: z.number().check(z.minimum(0), z.maximum(1)) })),
}));
export type PublicAnswerView = z.infer<typeof publicAnswer>;
