import type { LogAttributes, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger';

const ignored = (): void => undefined;

/** Where the metrics land: the namespace, and the `service` dimension Powertools adds to each (infra alarms on them). */
export const metricsNamespace = 'Yijian';
export const metricsService = 'yijian';

/**
 * Business metrics as CloudWatch EMF (Powertools Metrics): JSON lines on stdout that CloudWatch
 * turns into metrics, no API call in the request path. A function that emits them flushes them
 * with `logMetrics(metrics)` after each invocation: an HTTP handler through its `metrics` option
 * (shared/http/middy-stack.ts), the workers through shared/worker-handler.ts.
 * POWERTOOLS_METRICS_DISABLED=true (the test runs, vitest.config.ts) keeps them off stdout.
 *
 * Marked pure: a bundle that counts nothing leaves Metrics out (measured: about 13 KB of every cold start).
 */
export const metrics = /* @__PURE__ */ new Metrics({
  namespace: metricsNamespace,
  serviceName: metricsService,
  // Powertools warns on every flush that has no metric (most HTTP calls emit none): expected
  // here, so its own warnings are dropped; its errors still reach the log. A plain object with
  // Powertools' logger methods, not a child Logger: that would be a second Logger, with its own
  // Console and formatter, built at every cold start for lines that are almost never written.
  logger: { trace: ignored, debug: ignored, info: ignored, warn: ignored, error: (message: LogItemMessage, ...rest: LogAttributes[]) => logger.error(message, ...rest) },
});

/** The metrics this service emits, each at the point where it happens. */
export const metricNames = {
  /** A submission created (not an idempotent replay). */
  submissions: 'submissions',
  /** An item routed to a group: automatically at submission, or assigned by the staff. */
  routed: 'routed',
  /** Items the sweeper found newly overdue. */
  overdue: 'overdue',
  /** A notice that failed to send (each failed attempt). */
  notificationFailures: 'notificationFailures',
  /** A change-stream record a worker set aside as one it can never handle (the alarm watches it). */
  parkedRecords: 'parkedRecords',
  /**
   * Notices kept because they could not be sent: 1 each time the notify worker keeps one, and the
   * number still kept at each sweep (the alarm watches the maximum, so it stays on while any wait).
   */
  keptNotices: 'keptNotices',
  /** Age of the newest stream record the tally counted, in milliseconds. */
  tallyLag: 'tallyLag',
} as const;

type CountName = Exclude<keyof typeof metricNames, 'tallyLag'>;

/** Adds `n` to a count metric of this invocation. */
export const countMetric = (name: CountName, n = 1): void => {
  metrics.addMetric(metricNames[name], MetricUnit.Count, n);
};

/** Records the tally's lag: now minus the newest counted record's creation time. */
export const recordTallyLag = (lagMs: number): void => {
  metrics.addMetric(metricNames.tallyLag, MetricUnit.Milliseconds, Math.max(0, lagMs));
};
