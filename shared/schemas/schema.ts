import { config } from 'zod/mini';
import { en } from 'zod/v4/locales';

/**
 * Declares a module-level schema so that the bundler may leave it out where it is not used.
 *
 * A zod schema is built by calls (`z.string().check(z.maxLength(64))`), and a bundler must keep
 * any call it cannot prove free of side effects: every function would then build, at each cold
 * start, every schema of every module it imports (the directory's, the responses' for the
 * OpenAPI document ...). Calls of this function are marked free of side effects, so a schema no
 * code of a bundle uses is dropped from it, and one that is used is built exactly as written.
 *
 * The schemas are written with zod/mini: the same core as classic zod (same parsing, same issues,
 * same messages) behind functions instead of methods, so a bundle carries only the parts it uses
 * (measured: a strict object with a string is ~13 KB, classic is ~85 KB whatever is used) and a cold start
 * builds no classic schema objects with their dozens of methods each.
 *
 * This also gives zod/mini the English messages: unlike classic zod, zod/mini loads no locale, and
 * every built-in message (wrong type, unknown option, too long ...) would read "Invalid input".
 * The API's `errors[]` and the pages show those messages, so they must stay as they were. Done
 * here rather than at a module's top level so that a bundle with no schema carries no locale
 * either; like classic zod, it only sets the locale when none is set, so a caller's choice wins.
 */
/* @__NO_SIDE_EFFECTS__ */
export function schema<T>(build: () => T): T {
  if (!config().localeError) config(en());
  return build();
}
