/**
 * Bodies above this size are refused with 413 before anything is parsed. On its own, so that the
 * pages can measure a request against it without bundling the HTTP stack.
 */
export const maxBodyBytes = 16 * 1024;
