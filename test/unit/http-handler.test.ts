import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { httpHandler, json, maxBodyBytes, type HttpRequest } from '../../shared/http/handler';
import { RateLimitedError, StaleVersionError } from '../../shared/domain/errors';
import { problemFor, problems } from '../../shared/http/problem';
import { lambdaContext } from '../../local/lambda-context';
import { captureOutput } from '../support/captured-output';
import { apiGatewayEvent } from '../support/api-event';
import { leakPattern } from '../support/stack';

// As if someone had switched on Powertools' event logging for the deployed functions: the event
// (tokens, the CloudFront secret, bodies with contact details) must still never reach the log.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
});

/** The middy stack in-process: hand-built API Gateway payload-2.0 events and a fake Lambda context. */

const event = apiGatewayEvent;

const jsonEvent = (body: unknown, contentType = 'application/json', extra: Partial<APIGatewayProxyEventV2> = {}) =>
  event({ headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body), ...extra });

const context = (awsRequestId = randomUUID()): Context => lambdaContext('yijian-test', { awsRequestId, timeoutMs: 10_000 });

type Invoke = (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
const call = (handler: unknown, e: APIGatewayProxyEventV2, c = context()) => (handler as Invoke)(e, c);

const problemOf = (r: APIGatewayProxyStructuredResultV2) => {
  expect(r.headers?.['content-type']).toMatch(/^application\/problem\+json/);
  const doc = JSON.parse(r.body!);
  expect(doc.status).toBe(r.statusCode);
  expect(typeof doc.title).toBe('string');
  expect(typeof doc.type).toBe('string');
  return doc as { type: string; title: string; status: number; detail?: string; errors?: { path: string; message: string }[] };
};

/** The logger (shared/observability/logger.ts, Powertools) writes JSON lines to stdout and stderr. */
const output = captureOutput();
const logs = output.lines;

const echo = async (request: HttpRequest<unknown, unknown, unknown>) => json(200, { body: request.body, query: request.query, params: request.params });
const anyBody = httpHandler({ body: z.unknown() }, echo);

describe('errors', () => {
  const secret = 'boom at table yijian-prod ConditionalCheckFailedException';
  const failing = httpHandler({}, async () => {
    throw new Error(secret);
  });

  it('turns an unexpected error into a bare 500 problem, with nothing of the cause', async () => {
    const r = await call(failing, event({ method: 'GET' }));
    expect(r.statusCode).toBe(500);
    const doc = problemOf(r);
    expect(doc).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: expect.any(String) });
    for (const fragment of ['boom', 'yijian-prod', 'ConditionalCheck', 'Exception', 'stack', 'Error:']) expect(r.body).not.toContain(fragment);
    expect(r.body).not.toMatch(leakPattern);
    expect(r.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  });

  it('logs the cause, with the Lambda request id and the API request id', async () => {
    const awsRequestId = randomUUID();
    const apiRequestId = randomUUID();
    await call(failing, event({ method: 'GET', requestId: apiRequestId }), context(awsRequestId));
    const errors = logs().filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    const line = JSON.stringify(errors[0]);
    expect(line).toContain(secret);
    expect(errors[0].requestId).toBe(awsRequestId);
    expect(errors[0].apiRequestId).toBe(apiRequestId);
    expect(errors[0].service).toBe('yijian');
  });

  it('does not carry one request’s id into the next one’s log', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await call(failing, event({ method: 'GET' }), context(a));
    await call(failing, event({ method: 'GET' }), context(b));
    expect(logs().map((l) => l.requestId)).toEqual([a, b]);
  });

  it('passes an HttpProblem through with its status, detail and headers, without logging an error', async () => {
    const conflict = httpHandler({}, async () => {
      throw problems.conflict('The item is already closed.');
    });
    const r = await call(conflict, event({ method: 'POST' }));
    expect(r.statusCode).toBe(409);
    expect(problemOf(r)).toEqual({
      type: 'https://yijian.example/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'The item is already closed.',
    });
    expect(logs().filter((l) => l.level === 'ERROR')).toEqual([]);

    const limited = httpHandler({}, async () => {
      throw problems.rateLimited(42);
    });
    const r429 = await call(limited, event());
    expect(r429.statusCode).toBe(429);
    expect(r429.headers?.['Retry-After'] ?? r429.headers?.['retry-after']).toBe('42');
    expect(r429.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  });
});

describe('domain errors', () => {
  it('answers a domain error with the problem it maps to, headers included, without logging an error', async () => {
    for (const error of [new StaleVersionError(), new RateLimitedError(7)]) {
      const r = await call(
        httpHandler({}, async () => {
          throw error;
        }),
        event(),
      );
      const expected = problemFor(error);
      expect(r.statusCode).toBe(expected.status);
      expect(problemOf(r)).toEqual(expected.toDocument());
      expect(r.headers).toMatchObject({ ...expected.headers, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    }
    expect(logs().filter((l) => l.level === 'ERROR')).toEqual([]);
  });
});

describe('the log', () => {
  // An error whose own properties hold an address, as a DeliveryError's do.
  const failingWith = async (): Promise<never> => {
    throw Object.assign(new Error('send failed'), { to: ['someone@example.com'], reasons: [{ Item: { phone: '+86 138 0013 8000' } }] });
  };
  const failing = httpHandler({ body: z.unknown() }, failingWith);

  it('carries the Lambda context on every entry: function name, request id, cold start, X-Ray trace id', async () => {
    vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
    try {
      const awsRequestId = randomUUID();
      await call(failing, jsonEvent({}), context(awsRequestId));
      const [entry] = logs().filter((l) => l.level === 'ERROR');
      expect(entry).toMatchObject({
        level: 'ERROR',
        message: 'unhandled error',
        service: 'yijian',
        function_name: 'yijian-test',
        function_request_id: awsRequestId,
        requestId: awsRequestId,
        cold_start: expect.any(Boolean),
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      });
      expect(typeof entry.timestamp).toBe('string');
      expect(entry.error).toMatchObject({ name: 'Error', message: 'send failed' });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('never holds a token, the origin secret, contact details, an access key or an error’s own properties, even at DEBUG', async () => {
    const secrets = {
      token: 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl',
      origin: 'origin-secret-7f3a9c1e5b2d4f6a8c0e',
      email: 'zhang.wei@example.com',
      phone: '13800138000',
      accessKey: 'AK-9f8e7d6c5b4a',
    };
    // A fresh logger at DEBUG: a warm invocation sets the level back to the one it started with.
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.resetModules();
    try {
      const fresh = await import('../../shared/http/handler');
      // The guard is not just a quiet level: this logger writes everything.
      expect((await import('../../shared/observability/logger')).logger.getLevelName()).toBe('DEBUG');
      const withSecrets = jsonEvent(
        { contact: { email: secrets.email, phone: secrets.phone }, title: 'x' },
        'application/json',
        {
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${secrets.token}`,
            'x-origin-verify': secrets.origin,
            'x-access-key': secrets.accessKey,
          },
          rawQueryString: `accessKey=${secrets.accessKey}`,
          queryStringParameters: { accessKey: secrets.accessKey },
        },
      );
      await call(fresh.httpHandler({ body: z.unknown() }, failingWith), withSecrets);
      await call(fresh.httpHandler({ body: z.unknown() }, echo), structuredClone(withSecrets));
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
    const text = output.text();
    expect(logs().some((l) => l.message === 'unhandled error')).toBe(true);
    for (const secret of [...Object.values(secrets), 'someone@example.com', '+86 138 0013 8000']) expect(text).not.toContain(secret);
  });
});

describe('body size', () => {
  const bodyOfBytes = (bytes: number) => {
    const frame = '{"s":""}';
    return `{"s":"${'x'.repeat(bytes - frame.length)}"}`;
  };

  it('accepts exactly 16 KiB and refuses one byte more with 413', async () => {
    expect(maxBodyBytes).toBe(16 * 1024);
    const ok = await call(anyBody, jsonEvent(bodyOfBytes(16 * 1024)));
    expect(ok.statusCode).toBe(200);
    const tooBig = await call(anyBody, jsonEvent(bodyOfBytes(16 * 1024 + 1)));
    expect(tooBig.statusCode).toBe(413);
    expect(problemOf(tooBig).type).toMatch(/too-large/);
  });

  it('counts bytes, not characters: 6,000 Chinese characters (18 KB) are too large', async () => {
    const raw = JSON.stringify({ s: '意'.repeat(6000) });
    expect(raw.length).toBeLessThan(16 * 1024);
    expect(Buffer.byteLength(raw)).toBeGreaterThan(16 * 1024);
    expect((await call(anyBody, jsonEvent(raw))).statusCode).toBe(413);
  });

  it('checks the size before the media type', async () => {
    expect((await call(anyBody, jsonEvent('x'.repeat(20_000), 'text/plain'))).statusCode).toBe(413);
  });

  it('decodes a base64-encoded body, and measures it decoded', async () => {
    const value = { s: '意见 😀', n: [1, 2] };
    const r = await call(anyBody, jsonEvent(Buffer.from(JSON.stringify(value)).toString('base64'), 'application/json', { isBase64Encoded: true }));
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body!).body).toEqual(value);
    // 15,000 bytes become 20,000 base64 characters: still within the limit.
    const big = Buffer.from(bodyOfBytes(15_000)).toString('base64');
    expect(big.length).toBeGreaterThan(16 * 1024);
    expect((await call(anyBody, jsonEvent(big, 'application/json', { isBase64Encoded: true }))).statusCode).toBe(200);
    const tooBig = Buffer.from(bodyOfBytes(16 * 1024 + 1)).toString('base64');
    expect((await call(anyBody, jsonEvent(tooBig, 'application/json', { isBase64Encoded: true }))).statusCode).toBe(413);
  });
});

describe('media type', () => {
  const value = { a: 1 };
  it.each([
    ['text/plain'],
    ['application/json; charset=iso-8859-1'],
    ['application/json; charset=latin1'],
    ['application/x-www-form-urlencoded'],
    ['application/jsonp'],
    ['application/json-patch'],
    [''],
  ])('refuses %j with 415', async (type) => {
    const e = type ? jsonEvent(value, type) : event({ body: JSON.stringify(value) });
    const r = await call(anyBody, e);
    expect(r.statusCode).toBe(415);
    expect(problemOf(r).type).toMatch(/unsupported-media-type/);
  });

  it.each([
    ['application/json'],
    ['application/json; charset=utf-8'],
    ['Application/JSON; Charset=UTF-8'],
    ['application/json;charset="utf-8"'],
    ['application/merge-patch+json'],
    ['application/problem+json'],
  ])('accepts %j as JSON', async (type) => {
    const r = await call(anyBody, jsonEvent(value, type));
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body!).body).toEqual(value);
  });

  it('finds the content type whatever the case of the header name', async () => {
    const r = await call(anyBody, event({ headers: { 'Content-Type': 'application/json' }, body: '{"a":2}' }));
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body!).body).toEqual({ a: 2 });
  });

  it('ignores any body on a route without a body schema', async () => {
    const noBody = httpHandler({}, async (request) => json(200, { body: request.body ?? null }));
    const r = await call(noBody, jsonEvent('not json at all', 'text/plain'));
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body!)).toEqual({ body: null });
  });
});

describe('JSON and validation', () => {
  it('answers malformed JSON with 400 malformed-json', async () => {
    for (const raw of ['{"a":', '{a:1}', "{'a':1}", 'undefined', '{"a":1}}']) {
      const r = await call(anyBody, jsonEvent(raw));
      expect(r.statusCode, raw).toBe(400);
      expect(problemOf(r).type).toMatch(/malformed-json/);
    }
  });

  it('answers an empty JSON body with 400 and an error at the root', async () => {
    const r = await call(anyBody, jsonEvent(''));
    expect(r.statusCode).toBe(400);
    expect(problemOf(r).errors).toEqual([{ path: '', message: expect.any(String) }]);
  });

  const schema = z.strictObject({
    title: z.string().min(1),
    contact: z.strictObject({ email: z.email() }).optional(),
    items: z.array(z.strictObject({ n: z.int() })).optional(),
  });
  const strict = httpHandler({ body: schema }, echo);

  it('maps zod issues to errors[] with dotted paths', async () => {
    const r = await call(strict, jsonEvent({ title: '', contact: { email: 'nope' }, items: [{ n: 1 }, { n: 1.5 }] }));
    expect(r.statusCode).toBe(400);
    const doc = problemOf(r);
    expect(doc.type).toMatch(/validation/);
    expect(doc.errors!.map((e) => e.path).sort()).toEqual(['contact.email', 'items.1.n', 'title']);
    for (const e of doc.errors!) expect(e.message.length).toBeGreaterThan(0);
  });

  it('reports each unknown key at its own path, at every level', async () => {
    const r = await call(strict, jsonEvent({ title: 't', titel: 'typo', extra: 1, contact: { email: 'a@b.cn', mail: 'x' }, items: [{ n: 1, m: 2 }] }));
    expect(r.statusCode).toBe(400);
    const errors = problemOf(r).errors!;
    expect(errors.map((e) => e.path).sort()).toEqual(['contact.mail', 'extra', 'items.0.m', 'titel']);
    expect(errors.every((e) => e.message === 'Unknown field.')).toBe(true);
  });

  it('prefixes query and path parameter errors with query. and path.', async () => {
    const handler = httpHandler(
      {
        query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).optional() }),
        params: z.strictObject({ trackingCode: z.string().max(8) }),
      },
      echo,
    );
    const bad = await call(handler, event({ method: 'GET', queryStringParameters: { limit: '0', sort: 'x' }, pathParameters: { trackingCode: 'x'.repeat(9) } }));
    expect(bad.statusCode).toBe(400);
    // The query is validated (and fails) first; the path waits for the next request.
    expect(problemOf(bad).errors!.map((e) => e.path).sort()).toEqual(['query.limit', 'query.sort']);
    const badPath = await call(handler, event({ method: 'GET', pathParameters: { trackingCode: 'x'.repeat(9) } }));
    expect(problemOf(badPath).errors!.map((e) => e.path)).toEqual(['path.trackingCode']);
    const ok = await call(handler, event({ method: 'GET', queryStringParameters: { limit: '20' }, pathParameters: { trackingCode: 'YJ1' } }));
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body!)).toEqual({ query: { limit: 20 }, params: { trackingCode: 'YJ1' } });
  });

  it('hands the handler parsed, typed values (the schema’s output, not the raw input)', async () => {
    const handler = httpHandler({ body: z.strictObject({ when: z.string().transform((s) => s.length) }) }, echo);
    const r = await call(handler, jsonEvent({ when: 'abcd' }));
    expect(JSON.parse(r.body!).body).toEqual({ when: 4 });
  });
});

describe('the request the handler sees and the response it gives', () => {
  it('has lower-case header names, the source IP and the API request id', async () => {
    let seen: HttpRequest<unknown, unknown, unknown> | undefined;
    const handler = httpHandler({}, async (request) => {
      seen = request;
      return json(200, { ok: true });
    });
    const requestId = randomUUID();
    await call(handler, event({ method: 'GET', requestId, headers: { 'X-Access-Key': 'k1', 'Idempotency-Key': 'abcdefgh', Accept: 'application/json' } }));
    expect(seen!.headers).toEqual({ 'x-access-key': 'k1', 'idempotency-key': 'abcdefgh', accept: 'application/json' });
    expect(seen!.sourceIp).toBe('203.0.113.7');
    // No origin secret configured here: the client is counted by the source IP.
    expect(seen!.clientAddress).toBe('203.0.113.7');
    expect(seen!.requestId).toBe(requestId);
  });

  it('sends JSON with no-store and nosniff, and keeps the handler’s own headers', async () => {
    const handler = httpHandler({}, async () => json(201, { id: 'x' }, { etag: '"3"' }));
    const r = await call(handler, event({ method: 'GET' }));
    expect(r.statusCode).toBe(201);
    expect(r.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      etag: '"3"',
    });
    expect(JSON.parse(r.body!)).toEqual({ id: 'x' });
  });

  it('sends no-store and nosniff on every validation error too', async () => {
    const r = await call(anyBody, jsonEvent('{', 'application/json'));
    expect(r.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  });
});

describe('a handler that runs out of time', () => {
  it('answers a 503 problem with Retry-After a second before Lambda would stop it, nothing of the cause', async () => {
    // DynamoDB slower than the client's timeouts and retries allow: the handler never finishes.
    const hung = httpHandler({}, () => new Promise<never>(() => undefined));
    const started = performance.now();
    const c = { ...context(), getRemainingTimeInMillis: () => Math.max(0, 1_300 - (performance.now() - started)) };
    const r = await call(hung, event({ method: 'GET' }), c);
    expect(r.statusCode).toBe(503);
    expect(Object.entries(r.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1]).toBe('1');
    const doc = problemOf(r);
    expect(doc.status).toBe(503);
    expect(r.body).not.toMatch(/AbortError|TimeoutError|middy/);
    // It gave up with the second to spare (the timer is the only thing that could end it).
    expect(performance.now() - started).toBeLessThan(1_300);
  });
});
