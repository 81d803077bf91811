import type { APIGatewayProxyEventV2, Context, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../support/captured-output';

/**
 * The business metrics as they leave a handler: CloudWatch EMF, one JSON line per invocation on
 * stdout, flushed by `logMetrics` in the middy stacks. The test runs turn EMF off
 * (vitest.config.ts); this file turns it on for its own process before anything is imported.
 */
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const context = { functionName: 'yijian-test', awsRequestId: 'r-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:yijian-test', memoryLimitInMB: '256', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

const event = (): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /api/submissions',
    rawPath: '/api/submissions',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { requestId: 'api-1', http: { method: 'POST', path: '/api/submissions', sourceIp: '203.0.113.7' } },
  }) as unknown as APIGatewayProxyEventV2;

const output = captureOutput();
type Emf = Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } };
const emfLines = () => output.lines().filter((line): line is Emf => '_aws' in line);

describe('metrics (EMF)', () => {
  it('leave the one HTTP stack as one EMF line per invocation: namespace Yijian, service yijian, the counts', async () => {
    const { httpHandler, json } = await import('../../shared/http/handler');
    const { countMetric, metrics } = await import('../../shared/observability/metrics');
    const submit = httpHandler({ metrics }, async () => {
      countMetric('submissions');
      countMetric('routed');
      return json(201, {});
    });
    expect((await submit(event(), context)).statusCode).toBe(201);
    const emf = emfLines();
    expect(emf).toHaveLength(1);
    const [directive] = emf[0]._aws.CloudWatchMetrics;
    expect(directive.Namespace).toBe('Yijian');
    expect(directive.Dimensions).toEqual([['service']]);
    expect(directive.Metrics).toEqual(expect.arrayContaining([{ Name: 'submissions', Unit: 'Count' }, { Name: 'routed', Unit: 'Count' }]));
    expect(emf[0]).toMatchObject({ service: 'yijian', submissions: 1, routed: 1 });

    // An invocation that counts nothing writes nothing: no EMF, no warning about it.
    output.clear();
    const read = httpHandler({ metrics }, async () => json(200, {}));
    await read(event(), context);
    expect(output.text()).toBe('');
  });

  it('give the tally lag in milliseconds: the age of the newest record the tally went through', async () => {
    const { handler } = await import('../../functions/tally');
    const now = Math.floor(Date.now() / 1000);
    // Records that are no stream record of an item (no event id): the tally passes them by
    // without reading the table, and the lag is still measured on them.
    const records = [now - 60, now - 5].map((at) => ({ dynamodb: { ApproximateCreationDateTime: at } }) as DynamoDBRecord);
    expect(await handler({ Records: records }, context)).toEqual({ batchItemFailures: [] });
    const emf = emfLines();
    expect(emf).toHaveLength(1);
    expect(emf[0]._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'tallyLag', Unit: 'Milliseconds' }]);
    expect(emf[0].tallyLag).toBeGreaterThanOrEqual(4_000);
    expect(emf[0].tallyLag).toBeLessThan(7_000);
  });
});
