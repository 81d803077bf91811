import { problems } from './problem';

/**
 * The list cursor a client holds: an opaque, versioned wrapper of the list's position (the data
 * layer's exclusive upper bound of sort keys), so the position's shape can change without clients
 * noticing, and a made-up cursor is a 400 rather than an arbitrary read.
 */
export const encodeCursor = (position: string): string => Buffer.from(JSON.stringify({ v: 1, p: position }), 'utf8').toString('base64url');

/** The position a cursor this API gave out stands for; absent -> undefined; anything else is a 400. */
export const decodeCursor = (cursor: string | undefined): string | undefined => {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: number; p?: unknown };
    if (parsed.v === 1 && typeof parsed.p === 'string' && parsed.p.length <= 200) return parsed.p;
  } catch {
    // fall through
  }
  throw problems.validation([{ path: 'query.cursor', message: 'Not a cursor this API gave out.' }]);
};
