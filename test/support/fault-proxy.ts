/**
 * A real HTTP proxy in front of DynamoDB Local that misbehaves on request: what DynamoDB (or the
 * network) does and DynamoDB Local never does — throttle, fail inside, reset the connection,
 * hang. The client under test sees exactly the bytes and socket events a service would produce,
 * so its own parser, retry strategy and timeouts are what is tested, not a stub of them.
 *
 *   const proxy = await startFaultProxy(inject('dynamoEndpoint'));
 *   proxy.plan('TransactWriteItems', { kind: 'status', status: 500, type: '...#InternalServerError' }, 2);
 *   ... client with endpoint proxy.endpoint ...
 *   proxy.count('TransactWriteItems'); proxy.requests('TransactWriteItems'); proxy.reset(); await proxy.stop();
 *
 * Faults are planned per DynamoDB operation (the X-Amz-Target after the dot: 'GetItem', ...; '*'
 * for any), each for a number of requests, and consumed in the order planned. Every request is
 * counted, the faulted ones included. Listens on 127.0.0.1 only, on a free port.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** An error answer: `status` with `{ "__type": type, "message": ... }` (and `extra` members). */
  | { kind: 'status'; status: number; type: string; message?: string; extra?: Record<string, unknown> }
  /** The connection is destroyed without an answer (the client sees ECONNRESET / socket hang up). */
  | { kind: 'reset' }
  /** The request is read and never answered (until the client gives up or the proxy stops). */
  | { kind: 'stall' };

export interface RecordedRequest {
  readonly operation: string;
  /** What the proxy did: the fault's kind, or 'forwarded'. */
  readonly outcome: Fault['kind'] | 'forwarded';
  readonly body: string;
  /** TransactWriteItems' idempotency token, when the body has one. */
  readonly clientRequestToken?: string;
  /** The access key id of the signature (never the signature itself). */
  readonly accessKeyId?: string;
  readonly sessionToken?: string;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port>, to give the client as its endpoint. */
  readonly endpoint: string;
  /** The next `times` requests of `operation` ('*' for any) get `fault` (after faults planned before). */
  plan(operation: string, fault: Fault, times?: number): void;
  /** Requests received for an operation ('*': all), faulted or forwarded. */
  count(operation?: string): number;
  requests(operation?: string): RecordedRequest[];
  /** Forgets plans and records, releases stalled requests. */
  reset(): void;
  stop(): Promise<void>;
}

/** Canned faults, as DynamoDB and its front ends send them. */
export const faults = {
  throttling: { kind: 'status', status: 400, type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
  provisionedThroughputExceeded: {
    kind: 'status',
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
  internalServerError: { kind: 'status', status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
  serviceUnavailable: { kind: 'status', status: 503, type: 'com.amazon.coral.availability#ServiceUnavailableException', message: 'Service unavailable' },
  reset: { kind: 'reset' },
  stall: { kind: 'stall' },
} as const satisfies Record<string, Fault>;

const operationOf = (req: IncomingMessage) => String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '?';

export const startFaultProxy = async (target: string): Promise<FaultProxy> => {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const plans: { operation: string; fault: Fault; remaining: number }[] = [];
  const log: RecordedRequest[] = [];
  const stalled = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const takeFault = (operation: string): Fault | undefined => {
    const plan = plans.find((p) => p.remaining > 0 && (p.operation === operation || p.operation === '*'));
    if (!plan) return undefined;
    plan.remaining--;
    return plan.fault;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const out = httpRequest(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const operation = operationOf(req);
      const fault = takeFault(operation);
      let token: string | undefined;
      try {
        token = (JSON.parse(text) as { ClientRequestToken?: string }).ClientRequestToken;
      } catch {
        token = undefined;
      }
      const credential = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
      const sessionToken = req.headers['x-amz-security-token'] as string | undefined;
      log.push({
        operation,
        outcome: fault?.kind ?? 'forwarded',
        body: text,
        ...(token ? { clientRequestToken: token } : {}),
        ...(credential ? { accessKeyId: credential } : {}),
        ...(sessionToken ? { sessionToken } : {}),
      });
      if (!fault) return forward(req, res, body);
      if (fault.kind === 'reset') return req.socket.destroy();
      if (fault.kind === 'stall') {
        stalled.add(res);
        res.on('close', () => stalled.delete(res));
        return;
      }
      const payload = JSON.stringify({ __type: fault.type, message: fault.message ?? `injected ${fault.type}`, ...fault.extra });
      res.writeHead(fault.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': `FAULT${log.length}`,
        'content-length': Buffer.byteLength(payload),
      });
      res.end(payload);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const matching = (operation = '*') => log.filter((r) => operation === '*' || r.operation === operation);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    plan: (operation, fault, times = 1) => void plans.push({ operation, fault, remaining: times }),
    count: (operation) => matching(operation).length,
    requests: (operation) => matching(operation),
    reset: () => {
      plans.length = 0;
      log.length = 0;
      for (const res of stalled) res.destroy();
      stalled.clear();
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
