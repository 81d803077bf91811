import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';

/**
 * The local stack for one test file: the run's DynamoDB Local, a table of the file's own and the
 * gateway on a free port of 127.0.0.1, in front of the real handler modules. `bulk` is for files
 * that fill the table with thousands of items: no sweep timer (it would mark the old, overdue items
 * mid-fill) and the change-stream poller that notifies stopped (its work would slow the fill); the
 * tally's poller stays, the counters are its work.
 */
export const startTestStack = async (
  options: Pick<LocalStackOptions, 'seedDemo' | 'sweepIntervalSeconds' | 'retryBaseMs' | 'mailer' | 'dynamoEndpoint'> & { bulk?: boolean } = {},
): Promise<LocalStack> => {
  const { bulk, ...rest } = options;
  const stack = await startLocalStack({
    port: 0,
    // The project's DynamoDB Local, unless the file brought one of its own.
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `test-${randomBytes(6).toString('hex')}`,
    seedDemo: true,
    ...(bulk ? { sweepIntervalSeconds: 0 } : {}),
    ...rest,
  });
  if (bulk) await stack.poller.stop();
  return stack;
};

/** A small HTTP client for tests: JSON in, status + headers + parsed body out. */
export const api = (base: string) => {
  const call = async (method: string, path: string, options: { body?: unknown; raw?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${base}${path}`, { method, headers, body });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  return {
    call,
    get: (path: string, headers?: Record<string, string>) => call('GET', path, { headers }),
    post: (path: string, body: unknown, headers?: Record<string, string>) => call('POST', path, { body, headers }),
  };
};

export type Api = ReturnType<typeof api>;
export type ApiResponse = Awaited<ReturnType<Api['call']>>;

/** What no error body may ever show: stacks, AWS error names, table names, internals. */
export const leakPattern =
  /\bat \S+ \(|node_modules|\.ts:\d+|Exception\b|ValidationException|ResourceNotFound|ConditionalCheck|TransactionCanceled|test-[0-9a-f]{12}|\bpk\b|\bgsi\d|DynamoDB|dynamodb|TypeError|ReferenceError/;

/**
 * The file's local stack, started before its tests and stopped after them: `files.stack` and
 * `files.http` are set once `beforeAll` has run. The handler modules are loaded only then, so a
 * file sets its environment (limits, costs) at its top and the handlers read it, as deployed.
 */
export const useTestStack = (options: Parameters<typeof startTestStack>[0] = {}): { stack: LocalStack; http: Api } => {
  const files = {} as { stack: LocalStack; http: Api };
  beforeAll(async () => {
    files.stack = await startTestStack(options);
    files.http = api(files.stack.url);
  });
  afterAll(async () => {
    await files.stack?.stop();
  });
  return files;
};
