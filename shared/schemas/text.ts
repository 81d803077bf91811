import * as z from 'zod/mini';
import { schema } from './schema';

/** Length in Unicode code points, so an emoji or a CJK character counts as one character. */
export const codePointLength = (value: string): number => {
  let n = 0;
  for (const _ of value) n++;
  return n;
};

/**
 * Characters that show nothing: white space (ideographic space included), format characters
 * (zero-width space, joiners, word joiner, BOM, bidi marks), the other default-ignorable code
 * points (variation selectors, Hangul fillers, soft hyphen) and the blank Braille pattern. Text
 * made of these alone looks empty. An emoji ZWJ sequence or CJK text has visible characters
 * beside any joiner, so it never matches.
 */
const onlyInvisible = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]*$/u;

/** The controls and bidirectional formatting characters `text` refuses, as a JSON Schema pattern (ECMA-262, read with the u flag). */
const refusedCharactersPattern = String.raw`^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$`;

/**
 * Free text stored exactly as sent (no trimming, so it round-trips byte for byte), between
 * `min` and `max` characters, not blank (nor made of invisible characters only), without NUL or
 * other C0 and C1 controls except tab and newlines, and without bidirectional embeddings,
 * overrides or isolates (which can make a text read otherwise than it is stored).
 */
export const text = (min: number, max: number) =>
  z
    .string()
    .check(
      z.refine((s) => codePointLength(s) >= min, { message: `Must be at least ${min} character${min === 1 ? '' : 's'}.` }),
      z.refine((s) => codePointLength(s) <= max, { message: `Must be at most ${max} characters.` }),
      z.refine((s) => min === 0 || s.length === 0 || !onlyInvisible.test(s), { message: 'Must not be blank.' }),
      // eslint-disable-next-line no-control-regex
      z.refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(s), { message: 'Must not contain control characters.' }),
      z.refine((s) => !/[\u202A-\u202E\u2066-\u2069]/.test(s), { message: 'Must not contain bidirectional override characters.' }),
      // A lone UTF-16 surrogate is not text: it could not be written out as UTF-8 (CSV, e-mail).
      z.refine((s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s), { message: 'Must be valid Unicode text.' }),
    )
    // Refinements do not reach JSON Schema; the limits and the refused characters do through
    // metadata (limits counted in characters; the OpenAPI document says the rest in words).
    // Registered on this very schema (classic zod's `.meta()` registered a clone): a fresh schema
    // per call, so nothing else shares the entry, and there is no extra clone nor no-op check.
    .register(z.globalRegistry, { minLength: min, maxLength: max, pattern: refusedCharactersPattern });


/** Identifiers in the directory and in paths: short, ASCII, URL-safe. */
export const idSchema = /* @__PURE__ */ schema(() => z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'Must be an id of 1..64 letters, digits, _ . : -.')));

export const isoInstant = /* @__PURE__ */ schema(() => z.iso.datetime({ offset: false }));
