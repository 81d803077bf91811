import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The Lambda timeout the local stack, the tests and the bench give a handler unless told otherwise. */
const localTimeoutMs = 30_000;

/**
 * The context object Lambda passes a handler, for invoking one directly: the local gateway, the
 * bench and the tests. Its remaining time counts down from `timeoutMs`, as Lambda's does (middy's
 * early timeout reads it).
 */
export const lambdaContext = (name: string, options: { awsRequestId?: string; timeoutMs?: number } = {}): Context => {
  const deadline = Date.now() + (options.timeoutMs ?? localTimeoutMs);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
