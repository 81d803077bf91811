/**
 * Handler overhead: what the one middy stack costs a request, in process, without any I/O.
 *
 * Compared, call for call, on the same payload-2.0 event (a valid POST /api/submissions):
 *   stubbed  `httpHandler({ body: createSubmissionBody }, fn)` — the stack create-submission is
 *            built with (log context, problem+json, size/media-type/UTF-8/JSON checks, zod
 *            validation, response shaping) around the body of functions/create-submission.ts with
 *            the data layer stubbed: `submit()` is replaced by a constant receipt, so no directory
 *            read, no routing, no DynamoDB.
 *   bare     an async handler that returns a constant response object.
 * The figure is mean(stubbed) - mean(bare) per request, over `iterations` calls each, after a
 * warm-up, run in alternating blocks so that both see the same machine state. Calls are awaited
 * one after the other, as a Lambda container serves them.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { httpHandler, json, type HttpRequest } from '../shared/http/handler';
import { parseIdempotencyKey } from '../shared/http/headers';
import { createSubmissionBody, type CreateSubmissionBody, type SubmissionReceipt } from '../shared/schemas/submission';
import { apiEvent, lambdaContext, submissionBody } from './fixtures';
import { round } from './measure';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

export interface OverheadResult {
  readonly iterations: number;
  readonly stubbedMeanMicros: number;
  readonly bareMeanMicros: number;
  readonly overheadMicros: number;
  readonly blocks: { stubbed: number[]; bare: number[] };
  readonly compared: string;
}

export const measureOverhead = async (iterations: number): Promise<OverheadResult> => {
  const receipt: SubmissionReceipt = {
    trackingCode: 'YJ-7K3M-9QXD',
    accessKey: 'q3v0c0f1Zl0m2xq8bWJbq4oU9mI2B1YxkQy6bZ7k2Xw',
    status: 'assigned',
    dueAt: '2026-12-04T15:59:59.999Z',
    createdAt: '2026-11-27T09:30:00.000Z',
  };
  // functions/create-submission.ts with `await submit(...)` replaced by the constant receipt.
  const stubbed = httpHandler({ body: createSubmissionBody }, async (request: HttpRequest<CreateSubmissionBody, undefined, undefined>) => {
    parseIdempotencyKey(request.headers['idempotency-key']);
    return json(201, receipt);
  }) as unknown as Handler;
  const constant: APIGatewayProxyStructuredResultV2 = {
    statusCode: 201,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(receipt),
  };
  const bare: Handler = async () => constant;

  const template = apiEvent({ method: 'POST', route: '/api/submissions', path: '/api/submissions', body: submissionBody() });
  const context = lambdaContext('create-submission');
  // The middy stack writes its parsed request onto the event: each call gets a fresh top-level
  // object (both handlers alike), as each Lambda invocation gets a fresh event.
  const once = (handler: Handler) => handler({ ...template }, context);

  const check = (await once(stubbed)) as APIGatewayProxyStructuredResultV2;
  if (check.statusCode !== 201) throw new Error(`the stubbed handler answered ${check.statusCode}: ${check.body}`);

  const block = async (handler: Handler, n: number): Promise<number> => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await once(handler);
    return Number(process.hrtime.bigint() - started) / 1000 / n;
  };
  const warmup = Math.min(5000, iterations);
  await block(stubbed, warmup);
  await block(bare, warmup);
  const blocks = { stubbed: [] as number[], bare: [] as number[] };
  const rounds = 4;
  const perBlock = Math.ceil(iterations / rounds);
  for (let r = 0; r < rounds; r++) {
    blocks.stubbed.push(await block(stubbed, perBlock));
    blocks.bare.push(await block(bare, perBlock));
  }
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const stubbedMean = avg(blocks.stubbed);
  const bareMean = avg(blocks.bare);
  return {
    iterations: perBlock * rounds,
    stubbedMeanMicros: round(stubbedMean, 2),
    bareMeanMicros: round(bareMean, 2),
    overheadMicros: round(stubbedMean - bareMean, 1),
    blocks: { stubbed: blocks.stubbed.map((v) => round(v, 2)), bare: blocks.bare.map((v) => round(v, 2)) },
    compared:
      'httpHandler({ body: createSubmissionBody }) around create-submission with submit() stubbed to a constant receipt, vs a bare async handler returning a constant response; same event, awaited one by one',
  };
};
