import OpenAPIBackend, { type Document, type Operation } from 'openapi-backend';
import { buildOpenApiDocument } from '../../shared/schemas/openapi';

/**
 * The fuzzer's cases read against the OpenAPI document (issue #14, point 8: "a fuzzer driven by
 * the document alone finds no disagreement between it and the server"). For each exchange:
 *   - a request the document matches to no operation is answered 404 (unknown path) or 405 (known
 *     path, another method), or is one of the local-only /api/dev routes;
 *   - the answer's status is one the operation documents, and its JSON body is valid for it;
 *   - a request the document refuses is never accepted (2xx) by the server.
 * The reverse (the document accepts, the server refuses) is no disagreement: the server also
 * checks what a schema cannot (a token, the state of an item, a rate, a blank text).
 */
export interface DocumentExchange {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/**
 * openapi-backend on the document, as the fuzzer and the contract test read it. `quick` skips its
 * own check of the document (openapi-schema-validator 12 reads schema objects by 3.0's rules and
 * refuses what 3.1 allows: const, if/then, propertyNames, a description beside $ref); the Redocly
 * linter checks the structure instead (test/unit/openapi.test.ts). Trailing slashes count, as on
 * the server. The formats zod writes come with a pattern that says the same, which ajv checks: they
 * are declared here only so that ajv does not warn about them.
 */
export const documentBackend = async (definition: unknown): Promise<OpenAPIBackend> => {
  const api = new OpenAPIBackend({
    definition: definition as Document,
    quick: true,
    strict: true,
    coerceTypes: true,
    ignoreTrailingSlashes: false,
    customizeAjv: (ajv) => {
      for (const format of ['date-time', 'date', 'email']) ajv.addFormat(format, true);
      return ajv;
    },
  });
  await api.init();
  return api;
};

let backend: Promise<OpenAPIBackend> | undefined;
const backendOnce = () => (backend ??= documentBackend(buildOpenApiDocument()));

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** What the document says of one exchange: null when it agrees, else why not. */
export const disagreement = async (exchange: DocumentExchange): Promise<string | null> => {
  const api = await backendOnce();
  const url = new URL(exchange.path, 'http://127.0.0.1');
  if (url.pathname.startsWith('/api/dev/')) return null;
  const body = exchange.body === undefined ? undefined : parse(exchange.body.toString('utf8'));
  // A repeated parameter reaches the handler joined with commas (API Gateway's payload 2.0, and the local gateway's).
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const request = { method: exchange.method, path: url.pathname, query, headers: exchange.headers, body };
  let operation: Operation | undefined;
  try {
    operation = api.matchOperation(request) as Operation | undefined;
  } catch {
    operation = undefined;
  }
  if (!operation) {
    return exchange.status === 404 || exchange.status === 405 || exchange.status === 400 ? null : `no operation for it, yet answered ${exchange.status}`;
  }
  const responses = operation.responses as Record<string, unknown>;
  // Refused before any handler: the gateway's own 413/400 (over its size limit, invalid UTF-8, a
  // malformed request line) apply to every path alike.
  if (!(String(exchange.status) in responses) && ![400, 413].includes(exchange.status)) {
    return `${operation.operationId} answered ${exchange.status}, which it does not document`;
  }
  if (exchange.status < 300) {
    // A route that declares no query parameters ignores any it is sent (the document says so);
    // one that declares them refuses others (400), as the document does.
    const takesQuery = ((operation.parameters ?? []) as { in?: string }[]).some((p) => p.in === 'query');
    const errors = (api.validateRequest(request, operation).errors ?? []).filter(
      (e) => takesQuery || !(e.instancePath === '/query' && e.keyword === 'additionalProperties'),
    );
    if (errors.length > 0) return `${operation.operationId} accepted a request the document refuses: ${JSON.stringify(errors).slice(0, 600)}`;
  }
  if (exchange.contentType.endsWith('json') && String(exchange.status) in responses) {
    const errors = api.validateResponse(parse(exchange.text), operation, exchange.status).errors ?? [];
    if (errors.length > 0) return `${operation.operationId}'s ${exchange.status} is not what the document says: ${JSON.stringify(errors).slice(0, 600)}`;
  }
  return null;
};
