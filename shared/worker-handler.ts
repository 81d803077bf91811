import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { handlerOn, type Deps } from './deps';
import { lambdaContext, logger } from './observability/logger';
import { metrics } from './observability/metrics';

/**
 * The one middy stack of the functions that are not HTTP routes (the stream workers and the
 * sweep): the Lambda context in every log line, metrics flushed after each invocation, and no
 * early timeout (a worker's batch is retried by its event source, not answered). Built on `deps`
 * like the HTTP handlers, and again on other deps with `withDeps` (the local stack's, a test's).
 */
export const workerHandler = <D extends Deps, E, R>(run: (deps: D) => (event: E, context: Context) => Promise<R>, deps: D) =>
  handlerOn(
    (on: D) =>
      middy<E, R>({ timeoutEarlyInMillis: 0 })
        .use(injectLambdaContext(logger, lambdaContext))
        .use(logMetrics(metrics))
        .handler(run(on)),
    deps,
  );
