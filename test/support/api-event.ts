import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * A hand-built API Gateway payload-2.0 event for calling the middy stack in-process (POST
 * /api/things from 203.0.113.7 unless told otherwise). Any field given replaces the default whole,
 * `headers` included.
 */
export const apiGatewayEvent = (
  overrides: Partial<Omit<APIGatewayProxyEventV2, 'requestContext'>> & { method?: string; path?: string; requestId?: string; sourceIp?: string } = {},
): APIGatewayProxyEventV2 => {
  const { method = 'POST', path = '/api/things', requestId = randomUUID(), sourceIp = '203.0.113.7', ...rest } = overrides;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'desk.example', 'user-agent': 'vitest' },
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'desk.example',
      domainPrefix: 'desk',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp, userAgent: 'vitest' },
      requestId,
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...rest,
  };
};
