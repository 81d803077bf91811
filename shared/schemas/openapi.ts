import * as z from 'zod/mini';
import { staffTokenHeader } from '../http/staff-token';
import { routes, type RouteDef } from '../routes';
import {
  createSubmissionBody,
  followUpBody,
  followUpCreated,
  formData,
  publicSubmissionView,
  ratingBody,
  ratingResult,
  submissionReceipt,
} from './submission';
import {
  createSessionBody,
  publicSessionView,
  ratingReceived,
  recordsBody,
  recordsCreated,
  sessionList,
  sessionRatingBody,
  sessionSummary,
  sessionView,
  updateSessionBody,
} from './session';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, so the
 * published contract cannot drift from what the handlers accept.
 */
interface Operation {
  readonly summary: string;
  readonly request?: z.core.$ZodType;
  readonly response: { readonly status: number; readonly schema?: z.core.$ZodType };
  readonly accessKey?: boolean;
  /** Takes the session's join key in `X-Session-Key`. */
  readonly sessionKey?: boolean;
  /** Needs `If-Match` with the version the client saw. */
  readonly ifMatch?: boolean;
  readonly idempotent?: boolean;
  /** A public write of the room: it may carry an ALTCHA proof (shared/services/room.ts). */
  readonly proof?: boolean;
}

const operations: Record<string, Operation> = {
  'get-form': { summary: 'What the submission form needs', response: { status: 200, schema: formData } },
  'get-openapi': { summary: 'This document', response: { status: 200 } },
  'get-challenge': { summary: 'An ALTCHA proof-of-work challenge (altcha-lib createChallenge), valid for 10 minutes', response: { status: 200 } },
  'create-submission': {
    summary: 'Submit feedback, a question, a suggestion, a problem or a good practice',
    request: createSubmissionBody,
    response: { status: 201, schema: submissionReceipt },
    idempotent: true,
    proof: true,
  },
  'get-submission': {
    summary: "The submitter's view of an item",
    response: { status: 200, schema: publicSubmissionView },
    accessKey: true,
  },
  'create-follow-up': { summary: 'Follow up on an item', request: followUpBody, response: { status: 201, schema: followUpCreated }, accessKey: true, proof: true },
  'rate-submission': { summary: 'Rate the answer', request: ratingBody, response: { status: 200, schema: ratingResult }, accessKey: true, proof: true },
  'create-session': { summary: 'Create a training session with its link', request: createSessionBody, response: { status: 201, schema: sessionView } },
  'list-sessions': { summary: 'Training sessions, newest first', response: { status: 200, schema: sessionList } },
  'get-session': { summary: 'One training session', response: { status: 200, schema: sessionView } },
  'update-session': { summary: 'Edit, open or close a training session', request: updateSessionBody, response: { status: 200, schema: sessionView }, ifMatch: true },
  'get-public-session': { summary: "What a session's page shows", response: { status: 200, schema: publicSessionView }, sessionKey: true },
  'rate-session': { summary: 'Rate a training session', request: sessionRatingBody, response: { status: 201, schema: ratingReceived }, sessionKey: true, proof: true },
  'create-session-records': { summary: 'What was raised in a session, typed up (all or nothing)', request: recordsBody, response: { status: 201, schema: recordsCreated } },
  'get-session-summary': { summary: "A session's ratings and items", response: { status: 200, schema: sessionSummary } },
};

const problem = {
  description: 'A problem document (RFC 9457)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

const jsonSchema = (schema: z.core.$ZodType, io: 'input' | 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const operationFor = (route: RouteDef) => {
  const op = operations[route.handler];
  const parameters: unknown[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (op?.accessKey) parameters.push({ name: 'X-Access-Key', in: 'header', required: true, schema: { type: 'string' } });
  if (op?.sessionKey) parameters.push({ name: 'X-Session-Key', in: 'header', required: true, schema: { type: 'string' } });
  if (op?.ifMatch) parameters.push({ name: 'If-Match', in: 'header', required: true, schema: { type: 'string' } });
  if (op?.idempotent) {
    parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 8, maxLength: 128 } });
  }
  if (op?.proof) {
    parameters.push({
      name: 'X-Altcha',
      in: 'header',
      required: false,
      description: 'Base64 of JSON { challenge, solution }: a solved GET /api/challenge, good for one write',
      schema: { type: 'string' },
    });
  }
  return {
    operationId: route.handler.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
    summary: op?.summary ?? route.handler,
    // A streaming staff route takes its token in X-Yijian-Authorization (deployed, CloudFront's
    // signature takes Authorization: shared/http/staff-token.ts), or in Authorization locally.
    ...(route.auth === 'staff' ? { security: route.stream ? [{ staffToken: [] }, { bearer: [] }] : [{ bearer: [] }] } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(op?.request
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.request, 'input') } } } }
      : {}),
    responses: {
      [String(op?.response.status ?? 200)]: {
        description: 'Success',
        ...(op?.response.schema ? { content: { 'application/json': { schema: jsonSchema(op.response.schema, 'output') } } } : {}),
      },
      '4XX': problem,
      '5XX': problem,
    },
  };
};

export const buildOpenApiDocument = () => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = operationFor(route);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'yijian (意见箱) API', version: '1' },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        staffToken: {
          type: 'apiKey',
          in: 'header',
          name: staffTokenHeader,
          description: '`Bearer <JWT>`: the export\'s token, as the console sends it (deployed, CloudFront signs with Authorization)',
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            challenge: { type: 'string', description: 'On a 429 a proof of work lets through: where to fetch the challenge' },
            errors: {
              type: 'array',
              items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
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
