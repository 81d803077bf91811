/**
 * Requests and Lambda events the benchmark sends: built the way the local gateway builds them
 * (local/gateway.ts), so a handler invoked directly sees what it sees behind API Gateway.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A realistic submission: a question of ordinary length from a unit, anonymous. */
export const submissionBody = (unitId = 'u01') => ({
  kind: 'question' as const,
  title: '关于第二期专题培训的时间安排',
  body: '本单位部分同志需要在周末值班，能否提供线上回放或补学安排？另外，学习材料能否提前一周下发，便于基层同志利用碎片时间预习。',
  unitId,
  anonymous: true,
});

export interface EventOptions {
  readonly method: string;
  /** API Gateway route syntax, e.g. `/api/items/{id}`. */
  readonly route: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** Verified JWT claims, as API Gateway's JWT authorizer passes them (all strings). */
  readonly claims?: Record<string, string>;
}

/** An API Gateway HTTP API payload-2.0 event. */
export const apiEvent = (options: EventOptions): APIGatewayProxyEventV2 => {
  const now = new Date();
  const requestId = randomUUID();
  const routeKey = `${options.method} ${options.route}`;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey,
    rawPath: options.path,
    rawQueryString,
    headers: {
      host: '127.0.0.1',
      'user-agent': 'yijian-bench',
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
      ...(options.headers ?? {}),
    },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method: options.method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'yijian-bench' },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(options.claims ? { authorizer: { jwt: { claims: options.claims, scopes: [] } } } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
};

export { lambdaContext } from '../local/lambda-context';
