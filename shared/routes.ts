/**
 * The route table: declared once, mounted by the CDK stack (one Lambda integration per entry)
 * and by the local gateway. A test checks that the synthesised template has exactly this set.
 *
 * `handler` is the file name under functions/ (without extension); it is also the bundle name.
 * `auth: 'public'` routes take no token; `auth: 'staff'` routes need a JWT (Cognito deployed,
 * the local issuer locally) and read their claims from requestContext.authorizer.jwt.claims.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface RouteDef {
  readonly method: HttpMethod;
  /** API Gateway route syntax: `{name}` is a path parameter. */
  readonly path: string;
  readonly handler: string;
  readonly auth: 'public' | 'staff';
  /** What the function touches, so infra grants exactly that and nothing more. */
  readonly access: 'read' | 'write';
  /**
   * The handler streams its response (Lambda response streaming, for exports of any size).
   * HTTP APIs cannot stream, so deployed such a route is served by the function's URL behind the
   * same CloudFront origin, and its function verifies the Cognito token itself with the same
   * checks as the API's JWT authorizer. Locally too: the gateway runs no authorizer before it.
   */
  readonly stream?: boolean;
}

export const routes: readonly RouteDef[] = [
  { method: 'GET', path: '/api/form', handler: 'get-form', auth: 'public', access: 'read' },
  { method: 'GET', path: '/api/openapi.json', handler: 'get-openapi', auth: 'public', access: 'read' },
  { method: 'POST', path: '/api/submissions', handler: 'create-submission', auth: 'public', access: 'write' },
  { method: 'GET', path: '/api/submissions/{trackingCode}', handler: 'get-submission', auth: 'public', access: 'read' },
  { method: 'POST', path: '/api/submissions/{trackingCode}/follow-ups', handler: 'create-follow-up', auth: 'public', access: 'write' },
  { method: 'POST', path: '/api/submissions/{trackingCode}/rating', handler: 'rate-submission', auth: 'public', access: 'write' },
  { method: 'GET', path: '/api/items', handler: 'list-items', auth: 'staff', access: 'read' },
  { method: 'GET', path: '/api/items/{id}', handler: 'get-item', auth: 'staff', access: 'read' },
  { method: 'POST', path: '/api/items/{id}/assign', handler: 'assign-item', auth: 'staff', access: 'write' },
  { method: 'POST', path: '/api/items/{id}/replies', handler: 'create-reply', auth: 'staff', access: 'write' },
  { method: 'POST', path: '/api/items/{id}/transition', handler: 'transition-item', auth: 'staff', access: 'write' },
  { method: 'GET', path: '/api/dashboard', handler: 'get-dashboard', auth: 'staff', access: 'read' },
  { method: 'GET', path: '/api/practices', handler: 'list-practices', auth: 'staff', access: 'read' },
  { method: 'GET', path: '/api/exports/items.csv', handler: 'export-items', auth: 'staff', access: 'read', stream: true },
  { method: 'GET', path: '/api/admin/directory', handler: 'get-directory', auth: 'staff', access: 'read' },
  { method: 'PUT', path: '/api/admin/directory', handler: 'put-directory', auth: 'staff', access: 'write' },
];

/** `GET /api/form` -> `GET /api/form`; used as the API Gateway route key. */
export const routeKey = (route: Pick<RouteDef, 'method' | 'path'>): string => `${route.method} ${route.path}`;
