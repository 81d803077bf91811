/**
 * What the pages say about the server's answers, in the page's language. The server speaks
 * English (its zod schemas, its problem details); a Chinese page shows the Chinese for what it
 * knows (./problem-texts.ts) and a text of its own for anything else, never the English as it came.
 *
 * A message a page keeps in its state is a `Said`: a function drawn at each render, so switching
 * the language redraws errors and notices too, not only the labels.
 */
import type { ApiResult, Problem } from './api';
import { getLang } from './i18n';
import { chineseFor, problemTypeTexts, statusTexts, unknownFieldText, type Texts } from './problem-texts';

/** A text drawn in the page's language of the moment. */
export interface Said {
  readonly text: () => string;
}
export const said = (text: () => string): Said => ({ text });

const pick = (texts: Texts): string => (getLang() === 'en' ? texts.en : texts.zh);

/** A field error (`errors[].message`, a zod message): its Chinese, or a plain "check this field". */
export const translateMessage = (message: string): string => {
  if (getLang() === 'en') return message;
  return chineseFor(message) ?? unknownFieldText.zh;
};

const typeName = (problem: Problem | undefined): string | undefined => /\/problems\/([a-z-]+)$/.exec(problem?.type ?? '')?.[1];

/** The room's problems, the ones a page may answer with a fresh proof of work first. */
const roomTypes = new Set(['rate-limited', 'room-limit', 'proof-used', 'proof-invalid', 'proof-expired']);

/** The page's text for a problem of the room, or null for any other problem. */
export const roomProblemText = (problem: { type?: string; challenge?: string } | undefined, retryAfter: string | null): string | null => {
  const type = typeName(problem);
  // A 429 without a challenge (the edge's WAF) is a limit no proof gets past: the room's ceiling, in effect.
  const name = type === 'rate-limited' && !problem?.challenge ? 'room-limit' : type;
  if (!name || !roomTypes.has(name)) return null;
  return pick(problemTypeTexts[name]!).split('{s}').join(retryAfter ?? '60');
};

/**
 * What a failed request means to a person, in the page's language: the room's texts, the detail
 * in Chinese where it is one of the server's known sentences (a conflict says which), else the
 * problem type's text, else the status's. English pages show the server's own detail.
 */
export const problemText = (result: Pick<ApiResult, 'status' | 'problem'> & { headers?: Headers }): string => {
  const retryAfter = result.headers?.get('retry-after') ?? null;
  const room = roomProblemText(result.problem, retryAfter);
  if (room) return room;
  const fill = (s: string) => s.split('{s}').join(retryAfter ?? '60').split('{status}').join(String(result.status));
  const detail = result.problem?.detail;
  if (result.status !== 0 && detail) {
    const known = chineseFor(detail);
    // The type's or status's own text where the server's is only generic.
    if (known && !/^(The request has invalid fields|Nothing was found here)\.$/.test(detail)) return getLang() === 'en' ? detail : known;
  }
  const name = typeName(result.problem);
  const texts = (name && problemTypeTexts[name]) || statusTexts[result.status] || statusTexts.other;
  return fill(pick(texts));
};

/** `problemText` as a `Said`, for a page's state. */
export const saidProblem = (result: Pick<ApiResult, 'status' | 'problem'> & { headers?: Headers }): Said => said(() => problemText(result));
