import * as z from 'zod/mini';
import { ifMatchPattern, xlsxContentType } from '../http/headers';
import { problemTypes } from '../http/problem';
import { staffTokenHeader } from '../http/staff-token';
import { routes, type RouteDef } from '../routes';
import { operationSpecs, type Header, type OperationSpec } from './openapi-operations';
import { idempotencyKeySchema } from './submission';

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas that validate
 * requests (shared/schemas/openapi-operations.ts says which, per handler), so the published
 * contract cannot drift from what the handlers accept. test/integration/openapi-contract.test.ts
 * drives every route through the local stack and checks each request and answer against it.
 */

type JsonSchema = Record<string, unknown>;

/** zod -> JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the `$schema` each would repeat. */
export const jsonSchema = (schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

export const operationIdOf = (handler: string) => handler.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** The problem types each status is answered with (shared/http/problem.ts; `about:blank` where the status says it all). */
const problemStatuses = {
  400: { name: 'BadRequest', types: [problemTypes.validation, problemTypes.malformedJson, problemTypes.proofUsed, problemTypes.proofInvalid, problemTypes.proofExpired, problemTypes.blank], why: 'A field, header or parameter that fails validation (`errors[]` says which, by path: `query.limit`, `path.id`, `If-Match` ...), a body that is not JSON, or an X-Altcha proof that is invalid, expired or used.' },
  401: { name: 'Unauthorized', types: [problemTypes.blank], why: 'No valid staff token. Deployed, API Gateway\'s JWT authorizer answers `{"message":"Unauthorized"}` (application/json) before the function runs.' },
  403: { name: 'Forbidden', types: [problemTypes.blank], why: 'Signed in, but the role does not allow this.' },
  404: { name: 'NotFound', types: [problemTypes.notFound], why: 'Not found.' },
  409: { name: 'Conflict', types: [problemTypes.conflict, problemTypes.sessionClosed], why: 'The action does not fit the current state.' },
  412: { name: 'PreconditionFailed', types: [problemTypes.stale], why: 'Stale `If-Match`: changed by someone else; nothing was changed.' },
  413: { name: 'ContentTooLarge', types: [problemTypes.tooLarge, problemTypes.attachmentTooLarge, problemTypes.blank], why: 'The body is over the limit (16 KiB; a session\'s records 1 MiB), or an attachment declared is over 10 MB (`attachment-too-large`).' },
  415: { name: 'UnsupportedMediaType', types: [problemTypes.unsupportedMediaType, problemTypes.attachmentType], why: 'The body is not `application/json` (UTF-8), or an attachment declared is not of a type taken (`attachment-type`).' },
  429: { name: 'TooManyRequests', types: [problemTypes.rateLimited, problemTypes.roomFull], why: 'Too many public writes from this address (`Retry-After` says when to try again). A `rate-limited` problem names in `challenge` where to fetch a proof of work whose solution, sent in `X-Altcha`, lets the write through; a `room-limit` one has no way through but waiting.' },
  500: { name: 'InternalServerError', types: [problemTypes.blank], why: 'A fault on our side; its cause is logged, never shown.' },
  503: { name: 'ServiceUnavailable', types: [problemTypes.unavailable], why: 'Busy, or not set up yet (no directory): try again after `Retry-After` seconds.' },
} as const;
type ProblemStatus = keyof typeof problemStatuses;

const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'string', pattern: '^[0-9]+$' } } };

const problemResponse = (status: ProblemStatus) => {
  const { types, why } = problemStatuses[status];
  const schema: JsonSchema = {
    allOf: [{ $ref: '#/components/schemas/Problem' }],
    properties: { type: types.length === 1 ? { const: types[0] } : { enum: [...types] }, status: { const: status } },
  };
  if (status === 400) schema.if = { properties: { type: { const: problemTypes.validation } } };
  if (status === 400) schema.then = { required: ['errors'], properties: { errors: {} } };
  if (status === 429) schema.if = { properties: { type: { const: problemTypes.rateLimited } } };
  if (status === 429) schema.then = { required: ['challenge'], properties: { challenge: {} } };
  const content: Record<string, unknown> = { 'application/problem+json': { schema } };
  // Deployed, API Gateway's authorizer answers before any function: `{"message":"Unauthorized"}`
  // as application/json. One schema for both media types, so a validator that picks either agrees.
  if (status === 401) {
    const either = { anyOf: [schema, { type: 'object', required: ['message'], additionalProperties: false, properties: { message: { const: 'Unauthorized' } } }] };
    content['application/problem+json'] = { schema: either };
    content['application/json'] = { schema: either };
  }
  return {
    description: why,
    ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
    ...(status === 401 ? { headers: { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' } } } } : {}),
    content,
  };
};

const headerParameters: Record<Header, JsonSchema> = {
  accessKey: {
    name: 'X-Access-Key',
    in: 'header',
    required: false,
    description: 'The access key of the receipt. A missing key is answered as a wrong one: 404, in the same time as an unknown code.',
    schema: { type: 'string', maxLength: 256 },
  },
  sessionKey: {
    name: 'X-Session-Key',
    in: 'header',
    required: false,
    description: "The session's join key (from its link). A missing key is answered as a wrong one: 404.",
    schema: { type: 'string', maxLength: 256 },
  },
  ifMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'The version the change is made on, as the ETag gave it (`"7"`); a stale one is answered 412 and changes nothing. Anything else is a 400.',
    schema: { type: 'string', pattern: ifMatchPattern.source },
  },
  ifMatchRequired: {
    name: 'If-Match',
    in: 'header',
    required: true,
    description: 'The version the change is made on, as the ETag gave it (`"7"`): required (400 without it); a stale one is answered 412 and changes nothing.',
    schema: { type: 'string', pattern: ifMatchPattern.source },
  },
  idempotency: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'Makes a retry within 24 hours answer the first receipt instead of making a second item: 8..128 visible ASCII characters (U+0021..U+007E), else a 400.',
    schema: jsonSchema(idempotencyKeySchema, 'input'),
  },
  proof: {
    name: 'X-Altcha',
    in: 'header',
    required: false,
    description: 'Base64 of the JSON solution of a GET /api/challenge, good for one write: lets through a write the rate limit would refuse (429 `rate-limited`). An invalid, expired or used proof is a 400.',
    schema: { type: 'string', maxLength: 4096 },
  },
};

/** An object schema's properties as `in` parameters (a query's or the path's zod schema). */
const parametersOf = (schema: z.core.$ZodType | undefined, where: 'query' | 'path') => {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
};

const successContent = (spec: OperationSpec) => {
  const { schema } = spec.success;
  if (schema === 'redirect') return undefined;
  if (schema === 'csv') return { 'text/csv': { schema: { type: 'string' } } };
  if (schema === 'xlsx') return { [xlsxContentType]: { schema: { type: 'string', format: 'binary' } } };
  if (schema === 'document') return { 'application/json': { schema: { type: 'object', required: ['openapi', 'paths'], properties: { openapi: { const: '3.1.0' }, paths: { type: 'object' } } } } };
  return { 'application/json': { schema: jsonSchema(schema, 'output') } };
};

/** The statuses an operation can answer besides its success: the stack's (by what it takes) and its service's. */
export const errorStatusesOf = (route: RouteDef, spec: OperationSpec): ProblemStatus[] => {
  const validated = spec.body || spec.query || spec.params || spec.headers?.some((h) => h !== 'accessKey' && h !== 'sessionKey');
  const statuses = new Set<ProblemStatus>([500]);
  if (validated) statuses.add(400);
  if (route.auth === 'staff' || route.takesStaffToken) [401, 403].forEach((s) => statuses.add(s as ProblemStatus));
  for (const s of Object.keys(spec.errors ?? {})) statuses.add(Number(s) as ProblemStatus);
  if (spec.body) [413, 415].forEach((s) => statuses.add(s as ProblemStatus));
  if (spec.headers?.includes('proof')) [400, 429].forEach((s) => statuses.add(s as ProblemStatus));
  if (spec.success.schema !== 'document') statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
};

const operationFor = (route: RouteDef) => {
  const spec = operationSpecs[route.handler];
  if (!spec) throw new Error(`no OpenAPI operation for ${route.method} ${route.path}: add '${route.handler}' to shared/schemas/openapi-operations.ts`);
  const parameters = [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query'), ...(spec.headers ?? []).map((h) => headerParameters[h])];
  const content = successContent(spec);
  const responses: Record<string, unknown> = {
    ...(spec.success.alternative
      ? { [String(spec.success.alternative.status)]: { description: spec.success.alternative.description, content: { 'application/json': { schema: jsonSchema(spec.success.alternative.schema, 'output') } } } }
      : {}),
    [String(spec.success.status)]: {
      description: spec.success.description,
      ...(spec.success.etag ? { headers: { ETag: { description: 'The version, for the next `If-Match`.', schema: { type: 'string', pattern: '^"[0-9]+"$' } } } } : {}),
      ...(spec.success.schema === 'redirect' ? { headers: { Location: { description: 'Where to go.', schema: { type: 'string' } } } } : {}),
      ...(content ? { content } : {}),
      ...(spec.success.links
        ? { links: Object.fromEntries(spec.success.links.map(({ operationId, description, parameters: p }) => [operationId, { operationId, description, parameters: p }])) }
        : {}),
    },
  };
  for (const status of errorStatusesOf(route, spec)) {
    const why = spec.errors?.[status as 404 | 409 | 412];
    responses[String(status)] = { $ref: `#/components/responses/${problemStatuses[status].name}`, ...(why ? { description: why } : {}) };
  }
  return {
    operationId: operationIdOf(route.handler),
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [route.auth === 'staff' ? 'staff' : 'public'],
    // The export takes its token in X-Yijian-Authorization (deployed, CloudFront's signature takes
    // Authorization: shared/http/staff-token.ts), or in Authorization locally.
    security: route.auth === 'staff' ? (route.stream ? [{ staffToken: [] }, { bearer: [] }] : [{ bearer: [] }]) : route.takesStaffToken ? [{}, { bearer: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
    responses,
  };
};

const description = [
  'The HTTP contract of yijian (意见箱); docs/api.md is its prose twin.',
  '',
  'Rules the server enforces beyond what the schemas can say:',
  '- Free text (titles, bodies, comments, notes, reasons) is refused (400) when it holds C0 or C1 control characters other than tab and newlines, bidirectional embeddings, overrides or isolates (U+202A..U+202E, U+2066..U+2069), lone surrogates, or only invisible characters; lengths count Unicode code points.',
  '- A submission with `anonymous: true` carries no `contact`; only `kind: feedback` carries a `rating`; `contact` has at least one field (the schema says so with if/then and minProperties).',
  '- A missing `X-Access-Key` (or `X-Session-Key`) is answered like a wrong one: 404, the same as an unknown code.',
  '- Unknown JSON fields are refused (400), so a typo is never dropped silently; so are query parameters an operation does not declare, where it declares some (one that declares none ignores any). Invalid UTF-8 is refused, never replaced.',
  '- An unknown path under /api/ answers 404; a known path with a method it does not have answers 405 with `Allow` listing the methods it has.',
  '- Errors are RFC 9457 problem documents (`application/problem+json`) with `type`, `title`, `status`, `detail`, and `errors[]` (field errors by path) or `challenge` (where to fetch a proof of work) where they apply.',
].join('\n');

export const buildOpenApiDocument = () => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = operationFor(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'yijian (意见箱) API',
      version: '2',
      description,
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: '/', description: 'The same origin as the pages (locally http://127.0.0.1:3000).' }],
    tags: [
      { name: 'public', description: 'No sign-in: the form, submissions, tracking, sessions, the room.' },
      { name: 'staff', description: 'A staff token (Cognito deployed, the local issuer locally) with a role in `cognito:groups`.' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        staffToken: {
          type: 'apiKey',
          in: 'header',
          name: staffTokenHeader,
          description: "`Bearer <JWT>`: the export's token, as the console sends it (deployed, CloudFront signs with Authorization)",
        },
      },
      responses: Object.fromEntries(
        Object.entries(problemStatuses).map(([status, { name }]) => [name, problemResponse(Number(status) as ProblemStatus)]),
      ),
      schemas: {
        Problem: {
          type: 'object',
          description: 'An RFC 9457 problem document.',
          required: ['type', 'title', 'status'],
          additionalProperties: false,
          properties: {
            type: { type: 'string', enum: [...new Set(Object.values(problemTypes))] },
            title: { type: 'string' },
            status: { type: 'integer', minimum: 400, maximum: 599 },
            detail: { type: 'string' },
            challenge: { type: 'string', description: 'On a `rate-limited` 429: where to fetch a proof-of-work challenge.' },
            errors: {
              type: 'array',
              items: { type: 'object', additionalProperties: false, required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
};

/** Where the generated document lives (served by functions/get-openapi.ts). */
export const openApiJsonFile = new URL('./openapi.json', import.meta.url);

/** The document as written to openapi.json: stable formatting, one trailing newline. */
export const renderOpenApiDocument = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
