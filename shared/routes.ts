/**
 * The route table: declared once, mounted by the CDK stack (one Lambda integration per entry)
 * and by the local gateway. A test checks that the synthesised template has exactly this set.
 *
 * `handler` is the file name under functions/ (without extension); it is also the bundle name.
 * `auth: 'public'` routes take no token; `auth: 'staff'` routes need a JWT (Cognito deployed,
 * the local issuer locally) and read their claims from requestContext.authorizer.jwt.claims.
 */
import type { KeySpace } from './data/keys';
import type { IndexName } from './data/table-definition';
import { challengePath } from './http/paths';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/**
 * What a route's handler touches in the table, by key space (shared/data/keys.ts `keySpaces`) and
 * index. Deployed, its function may touch nothing else: infra/bind-table.ts grants reads on the
 * `read` and `write` partitions and writes on the `write` partitions only, each with a
 * `dynamodb:LeadingKeys` condition, and Query on the named `indexes` only.
 *
 * HOW TO DECLARE (every new route, and every new key a handler reads or writes):
 *   - List every key space the handler (its service and data functions) reads in `read`, and every
 *     one it puts, updates or deletes, transactions and rate-limit counters included, in `write`
 *     (a written space need not be repeated in `read`). A new kind of key gets its name in
 *     `keySpaces` first, beside its key builder.
 *   - `access: 'write'` needs at least one `write` space, `access: 'read'` none (test/infra checks).
 *   - Only put-directory writes `directory`.
 *   - Locally nothing is enforced (DynamoDB Local has no IAM): a space you forget shows up only
 *     deployed, as AccessDeniedException. test/infra/stack.test.ts checks the template.
 */
export interface RouteData {
  readonly read?: readonly KeySpace[];
  readonly write?: readonly KeySpace[];
  /** The indexes the handler queries (shared/data/table-definition.ts). */
  readonly indexes?: readonly IndexName[];
}

export interface RouteDef {
  readonly method: HttpMethod;
  /** API Gateway route syntax: `{name}` is a path parameter. */
  readonly path: string;
  readonly handler: string;
  readonly auth: 'public' | 'staff';
  /** What the function touches, so infra grants exactly that and nothing more. */
  readonly access: 'read' | 'write';
  /** The key spaces and indexes it touches (see RouteData: how to declare them). */
  readonly data: RouteData;
  /**
   * The handler streams its response (Lambda response streaming, for exports of any size).
   * HTTP APIs cannot stream, so deployed such a route is served by the function's URL behind the
   * same CloudFront origin, and its function verifies the Cognito token itself with the same
   * checks as the API's JWT authorizer. Locally too: the gateway runs no authorizer before it.
   */
  readonly stream?: boolean;
  /**
   * A public route that staff may also call with their token (POST /api/attachments): its function
   * verifies a token itself when one is sent (shared/http/jwt.ts optionalBearerToken), since no
   * authorizer runs on a public route; infra gives it the issuer and the client id.
   */
  readonly takesStaffToken?: boolean;
  /**
   * The attachments bucket prefixes the handler touches (shared/storage/object-keys.ts), which
   * infra/bind-bucket.ts turns into the only S3 actions its function may make: `presign` signs
   * uploads to `uploads/*` (the signature is the function's own: it needs s3:PutObject there),
   * `attach` reads and deletes `uploads/*` and writes `items/*`, `download` signs reads of `items/*`.
   */
  readonly bucket?: readonly ('presign' | 'attach' | 'download')[];
}

/** The staff lists and the export: all items, a group's, a unit's, a status's, a group's in a status. */
const listIndexes = ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5'] as const;
/** The same, the open items urged for their due date (`urged=true`, gsi6 URGED) and a training session's items (`sessionCode`, gsi8). */
const listAndSessionIndexes = [...listIndexes, 'gsi6', 'gsi8'] as const;

export { challengePath };

export const routes: readonly RouteDef[] = [
  { method: 'GET', path: '/api/form', handler: 'get-form', auth: 'public', access: 'read', data: { read: ['directory'] } },
  { method: 'GET', path: '/api/openapi.json', handler: 'get-openapi', auth: 'public', access: 'read', data: {} },
  { method: 'GET', path: challengePath, handler: 'get-challenge', auth: 'public', access: 'read', data: {} },
  { method: 'POST', path: '/api/submissions', handler: 'create-submission', auth: 'public', access: 'write', data: { read: ['directory', 'session'], write: ['item', 'idempotency', 'rateLimit', 'proof', 'upload'] }, bucket: ['attach'] },
  { method: 'GET', path: '/api/submissions/{trackingCode}', handler: 'get-submission', auth: 'public', access: 'read', data: { read: ['item', 'directory'] } },
  { method: 'POST', path: '/api/submissions/{trackingCode}/follow-ups', handler: 'create-follow-up', auth: 'public', access: 'write', data: { read: ['directory'], write: ['item', 'rateLimit', 'proof', 'upload'] }, bucket: ['attach'] },
  { method: 'GET', path: '/api/submissions/{trackingCode}/attachments/{attachmentId}', handler: 'get-submission-attachment', auth: 'public', access: 'read', data: { read: ['item'] }, bucket: ['download'] },
  { method: 'POST', path: '/api/attachments', handler: 'create-attachment', auth: 'public', access: 'write', data: { write: ['upload', 'rateLimit', 'proof'] }, takesStaffToken: true, bucket: ['presign'] },
  { method: 'POST', path: '/api/submissions/{trackingCode}/rating', handler: 'rate-submission', auth: 'public', access: 'write', data: { read: ['directory'], write: ['item', 'rateLimit', 'proof'] } },
  { method: 'GET', path: '/api/items', handler: 'list-items', auth: 'staff', access: 'read', data: { read: ['directory'], indexes: listAndSessionIndexes } },
  { method: 'GET', path: '/api/items/{id}', handler: 'get-item', auth: 'staff', access: 'read', data: { read: ['item', 'directory'] } },
  { method: 'POST', path: '/api/items/{id}/assign', handler: 'assign-item', auth: 'staff', access: 'write', data: { read: ['directory'], write: ['item'] } },
  { method: 'POST', path: '/api/items/{id}/replies', handler: 'create-reply', auth: 'staff', access: 'write', data: { read: ['directory'], write: ['item', 'upload'] }, bucket: ['attach'] },
  { method: 'GET', path: '/api/items/{id}/attachments/{attachmentId}', handler: 'get-item-attachment', auth: 'staff', access: 'read', data: { read: ['item'] }, bucket: ['download'] },
  { method: 'POST', path: '/api/items/{id}/transition', handler: 'transition-item', auth: 'staff', access: 'write', data: { read: ['directory'], write: ['item'] } },
  { method: 'POST', path: '/api/items/{id}/extension', handler: 'request-extension', auth: 'staff', access: 'write', data: { write: ['item'] } },
  { method: 'POST', path: '/api/items/{id}/extension/decision', handler: 'decide-extension', auth: 'staff', access: 'write', data: { read: ['directory'], write: ['item'] } },
  { method: 'PUT', path: '/api/items/{id}/rectification', handler: 'put-rectification', auth: 'staff', access: 'write', data: { read: ['directory'], write: ['item'] } },
  { method: 'POST', path: '/api/items/{id}/rectification/progress', handler: 'create-rectification-progress', auth: 'staff', access: 'write', data: { write: ['item', 'upload'] }, bucket: ['attach'] },
  { method: 'POST', path: '/api/items/{id}/rectification/verification', handler: 'verify-rectification', auth: 'staff', access: 'write', data: { write: ['item'] } },
  // The ledger rows live in the list indexes' RECT… partitions (shared/data/rectification-keys.ts `rectificationRow`).
  { method: 'GET', path: '/api/rectifications', handler: 'list-rectifications', auth: 'staff', access: 'read', data: { indexes: listIndexes } },
  // With `from`/`to` the dashboard counts the period's items: the list indexes, and their records for the rates.
  { method: 'GET', path: '/api/dashboard', handler: 'get-dashboard', auth: 'staff', access: 'read', data: { read: ['directory', 'counters', 'dueCount', 'item'], indexes: listAndSessionIndexes } },
  { method: 'GET', path: '/api/practices', handler: 'list-practices', auth: 'staff', access: 'read', data: { read: ['directory'], indexes: ['gsi7'] } },
  { method: 'GET', path: '/api/exports/items.csv', handler: 'export-items', auth: 'staff', access: 'read', data: { read: ['directory', 'item'], indexes: listAndSessionIndexes }, stream: true },
  { method: 'GET', path: '/api/exports/rectifications.xlsx', handler: 'export-rectifications-xlsx', auth: 'staff', access: 'read', data: { read: ['directory', 'item'], indexes: listIndexes }, stream: true },
  { method: 'GET', path: '/api/exports/items.xlsx', handler: 'export-items-xlsx', auth: 'staff', access: 'read', data: { read: ['directory', 'item'], indexes: listAndSessionIndexes }, stream: true },
  { method: 'GET', path: '/api/admin/directory', handler: 'get-directory', auth: 'staff', access: 'read', data: { read: ['directory'] } },
  { method: 'PUT', path: '/api/admin/directory', handler: 'put-directory', auth: 'staff', access: 'write', data: { write: ['directory', 'counters'] } },
  { method: 'POST', path: '/api/sessions', handler: 'create-session', auth: 'staff', access: 'write', data: { read: ['directory'], write: ['session'] } },
  { method: 'GET', path: '/api/sessions', handler: 'list-sessions', auth: 'staff', access: 'read', data: { read: ['directory'], indexes: ['gsi8'] } },
  { method: 'GET', path: '/api/sessions/{code}', handler: 'get-session', auth: 'staff', access: 'read', data: { read: ['session', 'directory'] } },
  { method: 'PATCH', path: '/api/sessions/{code}', handler: 'update-session', auth: 'staff', access: 'write', data: { read: ['directory'], write: ['session'] } },
  { method: 'GET', path: '/api/public/sessions/{code}', handler: 'get-public-session', auth: 'public', access: 'read', data: { read: ['session', 'directory'] } },
  { method: 'POST', path: '/api/public/sessions/{code}/ratings', handler: 'rate-session', auth: 'public', access: 'write', data: { read: ['directory'], write: ['session', 'rateLimit', 'proof'] } },
  { method: 'GET', path: '/api/admin/notices', handler: 'list-kept-notices', auth: 'staff', access: 'read', data: { read: ['keptNotice'] } },
  // The redrive marks the kept row; the notify worker sends it (it alone may send mail).
  { method: 'POST', path: '/api/admin/notices/{id}/redrive', handler: 'redrive-kept-notice', auth: 'staff', access: 'write', data: { write: ['keptNotice'] } },
  { method: 'DELETE', path: '/api/admin/notices/{id}', handler: 'discard-kept-notice', auth: 'staff', access: 'write', data: { write: ['keptNotice', 'notification'] } },
  { method: 'POST', path: '/api/sessions/{code}/records', handler: 'create-session-records', auth: 'staff', access: 'write', data: { read: ['session', 'directory'], write: ['item'] } },
  // Answers everyone may read: the public copy shares the item's transaction (shared/data/published-answers.ts).
  { method: 'POST', path: '/api/items/{id}/publication', handler: 'publish-answer', auth: 'staff', access: 'write', data: { write: ['item', 'publishedAnswers'] } },
  { method: 'DELETE', path: '/api/items/{id}/publication', handler: 'withdraw-answer', auth: 'staff', access: 'write', data: { write: ['item', 'publishedAnswers'] } },
  { method: 'GET', path: '/api/public/answers', handler: 'list-public-answers', auth: 'public', access: 'read', data: { read: ['publishedAnswers'] } },
  { method: 'GET', path: '/api/public/answers/similar', handler: 'similar-answers', auth: 'public', access: 'read', data: { read: ['publishedAnswers'] } },
  { method: 'GET', path: '/api/sessions/{code}/summary', handler: 'get-session-summary', auth: 'staff', access: 'read', data: { read: ['session', 'directory'], indexes: ['gsi8'] } },
  // The dashboard's figures, the overdue and urged lists, the sessions' summaries, the recommended practices.
  { method: 'GET', path: '/api/reports/summary', handler: 'get-report', auth: 'staff', access: 'read', data: { read: ['directory', 'counters', 'dueCount', 'item', 'session'], indexes: [...listAndSessionIndexes, 'gsi7'] } },
];

/**
 * The methods each path of the table answers, for the 405 (with `Allow`) of a known path asked with
 * another method: the local gateway's, and deployed the one of functions/method-not-allowed.ts
 * behind an `ANY` route per path (infra/http-api.ts). Streaming routes are their function URL's.
 */
export const allowedMethods = (table: readonly RouteDef[] = routes): Map<string, HttpMethod[]> => {
  const byPath = new Map<string, HttpMethod[]>();
  for (const route of table) if (route.stream !== true) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route.method]);
  return byPath;
};

/** The function behind the `ANY` routes: it answers 405 and touches nothing. */
export const methodNotAllowedHandler = 'method-not-allowed';

/** `GET /api/form` -> `GET /api/form`; used as the API Gateway route key. */
export const routeKey = (route: Pick<RouteDef, 'method' | 'path'>): string => `${route.method} ${route.path}`;
