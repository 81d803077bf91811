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
}

export const routes: readonly RouteDef[] = [
  { method: 'GET', path: '/api/form', handler: 'get-form', auth: 'public', access: 'read' },
  { method: 'GET', path: '/api/openapi.json', handler: 'get-openapi', auth: 'public', access: 'read' },
  { method: 'POST', path: '/api/submissions', handler: 'create-submission', auth: 'public', access: 'write' },
  { method: 'GET', path: '/api/submissions/{trackingCode}', handler: 'get-submission', auth: 'public', access: 'read' },
  { method: 'POST', path: '/api/submissions/{trackingCode}/follow-ups', handler: 'create-follow-up', auth: 'public', access: 'write' },
  { method: 'POST', path: '/api/submissions/{trackingCode}/rating', handler: 'rate-submission', auth: 'public', access: 'write' },
];

/** `GET /api/form` -> `GET /api/form`; used as the API Gateway route key. */
export const routeKey = (route: Pick<RouteDef, 'method' | 'path'>): string => `${route.method} ${route.path}`;
