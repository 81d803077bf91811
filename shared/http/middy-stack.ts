import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Readable } from 'node:stream';
import type { Principal } from '../domain/access';
import { transientCancellationReasons } from '../data/errors';
import type { Settings } from '../settings';
import { DomainError } from '../domain/errors';
import { toFieldErrors } from '../schemas/field-errors';
import { lambdaContext, logger } from '../observability/logger';
import { chooseClientAddress, originVerifyHeader, viewerIpHeader } from './client-address';
import { principalFrom } from './principal';
import { HttpProblem, problemFor, problems } from './problem';

import { maxBodyBytes } from './body-limit';

export { maxBodyBytes };

export interface HttpRequest<B, Q, P> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  /** Header names in lower case; without the two our CloudFront adds (see clientAddress). */
  readonly headers: Readonly<Record<string, string>>;
  /** API Gateway's requestContext.http.sourceIp: deployed, usually a CloudFront server's address. */
  readonly sourceIp: string;
  /**
   * The client as per-client limits count it (shared/http/client-address.ts): the viewer's address
   * when the request came through our CloudFront, else sourceIp; an IPv6 client by its /64 prefix.
   * Never to be logged or stored raw.
   */
  readonly clientAddress: string;
  readonly requestId: string;
  readonly event: APIGatewayProxyEventV2;
  /** The signed-in user, on staff routes. */
  readonly principal?: Principal;
}

export interface HttpResult {
  readonly status: number;
  /** JSON-serialisable data, a string, or (streaming handlers only) a Readable. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): HttpResult => ({ status, body, headers });

/** A versioned item (or change) with its version as the ETag, for the next `If-Match`. */
export const versioned = (status: number, body: { version: number }): HttpResult => json(status, body, { etag: `"${body.version}"` });

/**
 * Any zod schema, zod/mini's or classic's: both parse with the same core and give the same issues,
 * and both have a `safeParse` method, called here so that this module imports nothing of zod at
 * run time (a function that validates nothing carries no zod).
 */
export type Schema = z.core.$ZodType & {
  safeParse(data: unknown): { success: true; data: unknown } | { success: false; error: { issues: z.core.$ZodIssue[] } };
};
export type Infer<S> = S extends z.core.$ZodType ? z.output<S> : undefined;

export interface HttpHandlerOptions<BS extends Schema | undefined, QS extends Schema | undefined, PS extends Schema | undefined> {
  /** Validates the JSON body; routes without one ignore any body sent. */
  readonly body?: BS;
  readonly query?: QS;
  readonly params?: PS;
  /**
   * A larger body limit than `maxBodyBytes` for the one route whose contract needs it (a session's
   * meeting records: up to `maxRecordEntries` entries of a few long texts each, `recordsMaxBodyBytes`).
   */
  readonly maxBodyBytes?: number;
  /** 'staff': the request must carry verified staff claims (401/403 otherwise). */

  readonly auth?: 'public' | 'staff';
  /** A staff route that unit liaisons may call too (their unit's rectifications); others refuse them (403). */
  readonly liaisons?: boolean;
  /** Stream the response (Lambda response streaming); the body may then be a Readable. */
  readonly stream?: boolean;
  /**
   * Runs before the request is parsed: a streaming staff function passes its own token check here
   * (shared/http/jwt.ts), made from its settings, so only that bundle carries the JWT library.
   */
  readonly authenticate?: (settings: Settings) => MiddlewareObj<APIGatewayProxyEventV2>;
  /**
   * The business metrics the handler emits (shared/observability/metrics.ts), flushed as EMF after
   * each invocation. Passed in, so that the functions that emit none do not bundle Metrics.
   */
  readonly metrics?: Metrics;
}

type Internal = { request?: HttpRequest<unknown, unknown, unknown> };
type Event = APIGatewayProxyEventV2 & { yijian?: Internal };

const baseHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const validate = <S extends Schema>(schema: S, value: unknown, prefix: string[]): z.output<S> => {
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(toFieldErrors(result.error.issues, prefix));
  return result.data as z.output<S>;
};

const lowerCaseHeaders = (headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
};

const readJsonBody = (event: APIGatewayProxyEventV2, headers: Record<string, string>, limit: number): unknown => {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > limit) throw problems.tooLarge(limit);
  const contentType = (headers['content-type'] ?? '').toLowerCase();
  const [mediaType, ...parameters] = contentType.split(';').map((part) => part.trim());
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  const isJson = mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType ?? '');
  if (!isJson || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) throw problems.unsupportedMediaType();
  if (bytes.length === 0) throw problems.validation([{ path: '', message: 'A JSON body is required.' }], 'The body is empty.');
  try {
    // Invalid UTF-8 is refused, not silently replaced: what is stored is exactly what was sent.
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw problems.malformedJson();
  }
};

/** Checks size, media type and JSON, then validates body, query and path parameters with zod. */
const parseRequest = (
  options: HttpHandlerOptions<Schema | undefined, Schema | undefined, Schema | undefined>,
  settings: Settings,
): MiddlewareObj<Event> => ({
  name: 'parse-request',
  before: (request) => {
    const event = request.event;
    const headers = lowerCaseHeaders(event.headers);
    const sourceIp = event.requestContext?.http?.sourceIp ?? '';
    const clientAddress = chooseClientAddress(headers, sourceIp, settings.originVerifySecret);
    // Read once, here: the secret and the viewer's address go no further than clientAddress.
    delete headers[originVerifyHeader];
    delete headers[viewerIpHeader];
    // As behind API Gateway's authorizer: who is asking is settled before what is asked.
    const principal = options.auth === 'staff' ? principalFrom(event, { liaisons: options.liaisons }) : undefined;
    const body = options.body ? validate(options.body, readJsonBody(event, headers, options.maxBodyBytes ?? maxBodyBytes), []) : undefined;
    const query = options.query ? validate(options.query, event.queryStringParameters ?? {}, ['query']) : undefined;
    const params = options.params ? validate(options.params, event.pathParameters ?? {}, ['path']) : undefined;
    event.yijian = {
      request: {
        body,
        query,
        params,
        headers,
        sourceIp,
        clientAddress,
        requestId: event.requestContext?.requestId ?? request.context.awsRequestId,
        event,
        principal,
      },
    };
  },
});

/** The request's keys on every log entry of it (`injectLambdaContext` drops them afterwards). */
const withRequestId = (): MiddlewareObj<Event> => ({
  name: 'log-context',
  before: (request) => {
    logger.appendKeys({
      requestId: request.context.awsRequestId,
      apiRequestId: request.event.requestContext?.requestId,
      route: request.event.routeKey,
    });
  },
});

const isReadable = (value: unknown): value is Readable =>
  typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';

const toResponse = (result: HttpResult): APIGatewayProxyStructuredResultV2 => {
  const headers: Record<string, string> = { ...baseHeaders, ...(result.headers ?? {}) };
  if (result.body === undefined) return { statusCode: result.status, headers };
  if (typeof result.body === 'string') return { statusCode: result.status, headers, body: result.body };
  // Streaming handlers: middy pipes the stream to the response after the status and headers.
  if (isReadable(result.body)) return { statusCode: result.status, headers, body: result.body as unknown as string };
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(result.body),
  };
};

const transientNetworkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

const busyErrorNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'TransactionConflictException',
  'TransactionInProgressException',
  'LimitExceededException',
]);

/**
 * DynamoDB was busy or failed transiently even after the SDK's retries: the client should try
 * again shortly (503 with Retry-After), and nothing was half-written (every write is one request
 * or one transaction).
 */
const isTransientAwsError = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: number }; CancellationReasons?: { Code?: string }[] };
  if (typeof e.code === 'string' && transientNetworkCodes.has(e.code)) return true;
  if (e.name && busyErrorNames.has(e.name)) return true;
  if (e.name === 'TransactionCanceledException') {
    return (e.CancellationReasons ?? []).some((r) => r.Code !== undefined && transientCancellationReasons.has(r.Code));
  }
  return Boolean(e.$retryable) || (e.$metadata?.httpStatusCode ?? 0) >= 500;
};

/** Every failure becomes problem+json; anything unexpected is logged with the request id and hidden. */
const problemResponder = (): MiddlewareObj<Event, APIGatewayProxyStructuredResultV2> => ({
  name: 'problem-responder',
  onError: (request) => {
    const error = request.error;
    let problem: HttpProblem;
    if (error instanceof HttpProblem) {
      problem = error;
    } else if (error instanceof DomainError) {
      problem = problemFor(error);
    } else if (isTransientAwsError(error)) {
      problem = problems.unavailable(1);
      logger.warn('DynamoDB busy after retries', { error: (error as Error).name });
    } else {
      problem = problems.internal();
      logger.error('unhandled error', { error: error as Error });
    }
    if (problem.status >= 500 && (error instanceof HttpProblem || error instanceof DomainError)) logger.warn('service problem', { status: problem.status, detail: problem.detail });
    request.response = {
      statusCode: problem.status,
      headers: { ...baseHeaders, ...problem.headers, 'content-type': 'application/problem+json; charset=utf-8' },
      body: JSON.stringify(problem.toDocument()),
    };
  },
});

/**
 * The one middy stack every HTTP handler uses:
 * Lambda context on the log (Powertools) -> metrics flushed (EMF, if any) -> request keys on the log ->
 * problem+json on error -> body/query/path parsing and validation -> handler -> response.
 * (middy runs `onError` in reverse order: the problem is logged with the keys, then they go.)
 *
 * Returns the stack's builder on deps `D` (shared/http/handler.ts binds it to a process's deps).
 * This module imports nothing of the data layer: a function that needs no table (the OpenAPI
 * document) builds its stack on its settings alone and bundles no DynamoDB client.
 */
export const buildHttpHandler =
  <BS extends Schema | undefined, QS extends Schema | undefined, PS extends Schema | undefined, D extends { readonly settings: Settings }>(
    options: HttpHandlerOptions<BS, QS, PS>,
    fn: (request: HttpRequest<Infer<BS>, Infer<QS>, Infer<PS>>, deps: D) => Promise<HttpResult>,
  ) =>
  (deps: D) =>
    // A second before Lambda would stop the function (DynamoDB slow beyond the client's timeouts and
    // retries), middy gives up the handler with a TimeoutError: the client gets a 503 problem with
    // Retry-After instead of API Gateway's bare 503/504.
    middy<Event, APIGatewayProxyStructuredResultV2, Error, Context>({ timeoutEarlyInMillis: 1000, streamifyResponse: options.stream ?? false })
      .use(injectLambdaContext(logger, lambdaContext))
      .use(options.metrics ? logMetrics(options.metrics) : [])
      .use(withRequestId())
      .use(problemResponder())
      .use(options.authenticate?.(deps.settings) ?? [])
      .use(parseRequest(options, deps.settings))
      .handler(async (event) => toResponse(await fn(event.yijian!.request as HttpRequest<Infer<BS>, Infer<QS>, Infer<PS>>, deps)));
