import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../local/lambda-context';
import { allowedMethods, routes } from '../../shared/routes';
import { apiGatewayEvent } from '../support/api-event';

/**
 * Deployed, every path of the route table has an `ANY` route to functions/method-not-allowed.ts
 * (infra/http-api.ts; API Gateway prefers the request's own method), which answers 405 with the
 * methods the path has in `Allow`, as the local gateway does (test/integration/openapi-contract.test.ts).
 */
describe('the 405 function', () => {
  it('answers a known path asked with another method with 405, Allow and a problem document', async () => {
    const { handler } = await import('../../functions/method-not-allowed');
    const event = { ...apiGatewayEvent({ method: 'DELETE', path: '/api/sessions/PX-0000-0000' }), routeKey: 'ANY /api/sessions/{code}' };
    const result = (await handler(event, lambdaContext('method-not-allowed', {}))) as { statusCode: number; headers: Record<string, string>; body: string };
    expect(result.statusCode).toBe(405);
    expect(result.headers.Allow ?? result.headers.allow).toBe('GET, PATCH');
    expect(result.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(result.body)).toMatchObject({ type: 'about:blank', title: 'Method Not Allowed', status: 405 });
  });

  it('knows every non-streaming path of the route table, with its methods', () => {
    const paths = new Set(routes.filter((r) => r.stream !== true).map((r) => r.path));
    expect(new Set(allowedMethods().keys())).toEqual(paths);
    expect(allowedMethods().get('/api/admin/directory')).toEqual(['GET', 'PUT']);
  });
});
