import type { Principal } from '../domain/access';
import { idempotencyKeySchema } from '../schemas/submission';
import { problems } from './problem';

/** What `If-Match` may be: `"7"`, `W/"7"` or `7` (the OpenAPI document states it too). */
export const ifMatchPattern = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/;

/** `If-Match: "7"` (or W/"7", or 7) -> 7; absent -> undefined; anything else is a 400. */
export const parseIfMatch = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined;
  const m = ifMatchPattern.exec(header);
  if (!m) throw problems.validation([{ path: 'If-Match', message: 'Must be the item version in quotes, as its ETag gives it.' }]);
  return Number(m[1]);
};

/** `If-Match` where a change must say which version it was made on: absent is a 400 too. */
export const requireIfMatch = (header: string | undefined): number => {
  const version = parseIfMatch(header);
  if (version === undefined) throw problems.validation([{ path: 'If-Match', message: 'Required: the version in quotes, as the ETag gave it.' }]);
  return version;
};

/**
 * The item a staff change names: who asks, the path's item id, and the version in If-Match as
 * `version` reads it (`parseIfMatch`, or `requireIfMatch` where it must be named).
 */
export const changeTarget = <V extends number | undefined>(
  principal: Principal,
  request: { readonly params: { readonly id: string }; readonly headers: Readonly<Record<string, string>> },
  version: (header: string | undefined) => V,
) => ({ principal, id: request.params.id, ifMatch: version(request.headers['if-match']) });

/** `Idempotency-Key`: absent -> undefined; 8..128 visible ASCII characters, else a 400. */
export const parseIdempotencyKey = (header: string | undefined): string | undefined => {
  if (header !== undefined && !idempotencyKeySchema.safeParse(header).success) {
    throw problems.validation([{ path: 'Idempotency-Key', message: 'Must be 8..128 visible ASCII characters.' }]);
  }
  return header;
};

/** A public write's writer, for the room (shared/services/room.ts): its address and its X-Altcha proof. */
export const publicWriter = (request: { readonly clientAddress: string; readonly headers: Readonly<Record<string, string>> }) => ({
  address: request.clientAddress,
  ...(request.headers['x-altcha'] !== undefined ? { proof: request.headers['x-altcha'] } : {}),
});

/** The media type of an .xlsx workbook (the office's spreadsheets), for responses and the OpenAPI document. */
export const xlsxContentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
