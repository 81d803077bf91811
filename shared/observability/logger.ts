import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger (Powertools): a line of JSON per entry, which Lambda ships to
 * CloudWatch as it is. Its level comes from POWERTOOLS_LOG_LEVEL (or Lambda's
 * AWS_LAMBDA_LOG_LEVEL); `injectLambdaContext` (the HTTP stack in shared/http/middy-stack.ts and the
 * workers' in shared/worker-handler.ts) adds the function's name, the Lambda request id and the cold-start flag to
 * every entry, and Powertools adds the X-Ray trace id when tracing is on.
 *
 * Never pass it request bodies, contact details, addresses, access keys or tokens: log identifiers
 * (request id, tracking code, route, dedup key) and outcomes only. The event itself is never
 * logged, whatever POWERTOOLS_LOGGER_LOG_EVENT says (see `lambdaContext` below).
 */
export const logger = new Logger({
  serviceName: 'yijian',
  // An error is logged as its name, message, stack and cause only. Powertools would add the error's
  // own properties too: a DeliveryError's addresses, an SDK error's cancellation reasons (which
  // may hold an item's image, contact details included).
  jsonReplacerFn: (_key, value) =>
    value instanceof Error
      ? { name: value.name, message: value.message, stack: value.stack, ...(value.cause === undefined ? {} : { cause: value.cause }) }
      : value,
});

/**
 * `injectLambdaContext`'s options, one set for every handler: the per-request keys are dropped
 * after each invocation, and the event (headers with bearer tokens and the CloudFront secret,
 * bodies with contact details) is never logged, even where POWERTOOLS_LOGGER_LOG_EVENT is set.
 */
export const lambdaContext = { resetKeys: true, logEvent: false } as const;
