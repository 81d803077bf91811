/**
 * Declares a module-level schema so that the bundler may leave it out where it is not used.
 *
 * A zod schema is built by a chain of method calls (`z.string().max(64)`), and a bundler must
 * keep any call it cannot prove free of side effects: every function would then build, at each
 * cold start, every schema of every module it imports (the directory's, the responses' for the
 * OpenAPI document ...). Calls of this function are marked free of side effects, so a schema no
 * code of a bundle uses is dropped from it, and one that is used is built exactly as written.
 */
/* @__NO_SIDE_EFFECTS__ */
export function schema<T>(build: () => T): T {
  return build();
}
