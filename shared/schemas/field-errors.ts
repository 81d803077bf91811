import type * as z from 'zod/mini';
import type { FieldError } from '../domain/errors';

/** zod issues -> `errors[]` with dotted paths; an unknown key is reported at its own path. */
export const toFieldErrors = (issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): FieldError[] => {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...base, key].join('.'), message: 'Unknown field.' });
    } else {
      out.push({ path: base.map(String).join('.'), message: issue.message });
    }
  }
  return out;
};
