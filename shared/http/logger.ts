/**
 * One structured JSON logger per process: a line of JSON per entry on stdout/stderr, which Lambda
 * ships to CloudWatch as it is. It keeps the Powertools logger's shape and settings
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, or Lambda's AWS_LAMBDA_LOG_LEVEL) at a fraction
 * of its size: every function bundles it, and each kilobyte is parsed at every cold start.
 *
 * Never pass it request bodies, contact details, access keys or tokens: log identifiers (request
 * id, tracking code, route) and outcomes only.
 */
const levels = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 } as const;
type Level = keyof typeof levels;

const threshold = (() => {
  const named = (process.env.POWERTOOLS_LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO').toUpperCase();
  return levels[(named === 'WARNING' ? 'WARN' : named === 'CRITICAL' || named === 'FATAL' ? 'ERROR' : named) as Level] ?? levels.INFO;
})();

const service = process.env.POWERTOOLS_SERVICE_NAME || 'yijian';

/** An Error as data: its name, message and stack (a stack is for the logs, never for a client). */
const plain = (value: unknown): unknown => {
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value.stack ? { stack: value.stack } : {}) };
  return value;
};

let keys: Record<string, unknown> = {};

const write = (level: Exclude<Level, 'SILENT'>, message: string, extra?: Record<string, unknown>) => {
  if (levels[level] < threshold) return;
  const entry: Record<string, unknown> = {
    level,
    message,
    timestamp: new Date().toISOString(),
    service,
    ...(process.env.AWS_LAMBDA_FUNCTION_NAME ? { function_name: process.env.AWS_LAMBDA_FUNCTION_NAME } : {}),
    ...(process.env._X_AMZN_TRACE_ID ? { xray_trace_id: process.env._X_AMZN_TRACE_ID.split(';')[0].replace('Root=', '') } : {}),
    ...keys,
  };
  for (const [name, value] of Object.entries(extra ?? {})) entry[name] = plain(value);
  const line = `${JSON.stringify(entry)}\n`;
  if (levels[level] >= levels.WARN) process.stderr.write(line);
  else process.stdout.write(line);
};

export const logger = {
  debug: (message: string, extra?: Record<string, unknown>) => write('DEBUG', message, extra),
  info: (message: string, extra?: Record<string, unknown>) => write('INFO', message, extra),
  warn: (message: string, extra?: Record<string, unknown>) => write('WARN', message, extra),
  error: (message: string, extra?: Record<string, unknown>) => write('ERROR', message, extra),
  /** Keys added to every entry until `resetKeys` (a request's id and route). */
  appendKeys: (more: Record<string, unknown>) => {
    keys = { ...keys, ...more };
  },
  resetKeys: () => {
    keys = {};
  },
};
