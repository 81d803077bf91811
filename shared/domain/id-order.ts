/**
 * The order `a.localeCompare(b)` gives directory ids (letters, digits, "-" and "_": the id schema
 * of shared/schemas/directory.ts), without ICU: a process's first localeCompare loads the
 * collation data, about 6 ms of a cold start (measured), for the dashboard's and the report's
 * unit rows alone. The default collation orders these characters "_" < "-" < digits < letters,
 * letters without regard to case; only ids equal but for case are then ordered by it, lower case
 * first at the first difference. test/unit/id-order.test.ts holds it to localeCompare itself.
 */

/** A character's place when case is set aside, or -1 outside the id alphabet. */
const primary = (code: number): number => {
  if (code === 95) return 0; // _
  if (code === 45) return 1; // -
  if (code >= 48 && code <= 57) return 2 + code - 48; // 0-9
  if (code >= 97 && code <= 122) return 12 + code - 97; // a-z
  if (code >= 65 && code <= 90) return 12 + code - 65; // A-Z
  return -1;
};

const isUpper = (code: number) => code >= 65 && code <= 90;

/** Negative, zero or positive as `a.localeCompare(b)` (whose sign it matches; other text goes to it). */
export const compareIds = (a: string, b: string): number => {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const pa = primary(a.charCodeAt(i));
    const pb = primary(b.charCodeAt(i));
    if (pa < 0 || pb < 0) return a.localeCompare(b);
    if (pa !== pb) return pa - pb;
  }
  if (a.length !== b.length) {
    // Outside the alphabet further on: the collation decides, as it would have.
    for (const text of [a, b]) for (let i = 0; i < text.length; i++) if (primary(text.charCodeAt(i)) < 0) return a.localeCompare(b);
    return a.length - b.length;
  }
  for (let i = 0; i < a.length; i++) {
    const ua = isUpper(a.charCodeAt(i));
    if (ua !== isUpper(b.charCodeAt(i))) return ua ? 1 : -1;
  }
  return 0;
};
