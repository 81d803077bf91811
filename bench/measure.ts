/** Small measuring helpers shared by the benchmark's parts (no project imports: safe to load first). */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

export const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory of a process from /proc (Linux): current (VmRSS) and peak (VmHWM), in MiB. */
export const residentMemory = (pid: number): { rssMiB: number; peakMiB: number } | null => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMiB: round(kib('VmRSS') / 1024), peakMiB: round(kib('VmHWM') / 1024) };
  } catch {
    return null;
  }
};

/** Runs `work` with at most `width` calls in flight until `shouldStop` says so. */
export const pool = async (width: number, work: (worker: number) => Promise<boolean>): Promise<void> => {
  await Promise.all(
    Array.from({ length: width }, async (_, worker) => {
      while (await work(worker)) {
        // next
      }
    }),
  );
};

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  /** The body as sent (a spreadsheet is not text). */
  readonly bytes: Buffer;
  readonly headers: Record<string, string | string[] | undefined>;
  json<T = any>(): T;
}

/**
 * A lean HTTP/1.1 client with keep-alive connections (one socket per concurrent caller): lighter
 * than fetch, so the load generator takes as little as possible of the CPU the gateway shares.
 */
export const httpClient = (base: string, maxSockets = 32) => {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const url = new URL(base);
  const call = (method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
      if (options.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        headers['content-length'] = Buffer.byteLength(options.body);
      }
      const req = request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, bytes, headers: res.headers, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(options.body);
    });
  return {
    call,
    get: (path: string, headers?: Record<string, string>) => call('GET', path, { headers }),
    post: (path: string, body: unknown, headers?: Record<string, string>) => call('POST', path, { body: JSON.stringify(body), headers }),
    close: () => agent.destroy(),
  };
};

export type HttpClient = ReturnType<typeof httpClient>;
