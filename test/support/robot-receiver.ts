import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A group-chat robot's endpoint on 127.0.0.1 (the local stack really posts there): it keeps every
 * request it gets (path with query, parsed JSON body) and answers as `respond` says for that
 * path, by default as the services answer a message they took (`{ errcode: 0, errmsg: "ok" }`).
 */
export interface RobotRequest {
  readonly path: string;
  readonly body: any;
}

/** What to answer the n-th request (from 1) to a path: a status and body, or `drop` to cut the connection. */
export type Answer = { status: number; body?: unknown } | 'drop';

export interface RobotReceiver {
  readonly url: string;
  readonly requests: RobotRequest[];
  /** The requests to one path (without its query). */
  to(path: string): RobotRequest[];
  /** Answers to come on `path`, counted afresh from 1. */
  respond(path: string, answer: (n: number) => Answer): void;
  /** How many requests `path` got since its last `respond`, taken or not. */
  hits(path: string): number;
  stop(): Promise<void>;
}

export const startRobotReceiver = async (): Promise<RobotReceiver> => {
  const requests: RobotRequest[] = [];
  const answers = new Map<string, (n: number) => Answer>();
  const counts = new Map<string, number>();
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const bare = path.split('?')[0]!;
      const n = (counts.get(bare) ?? 0) + 1;
      counts.set(bare, n);
      const answer = answers.get(bare)?.(n) ?? { status: 200, body: { errcode: 0, errmsg: 'ok' } };
      if (answer === 'drop') {
        request.socket.destroy();
        return;
      }
      // Only a message the robot took counts as received.
      if (answer.status < 300 && !(answer.body as { errcode?: number } | undefined)?.errcode) {
        requests.push({ path, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      }
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body ?? {}));
    });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    to: (path) => requests.filter((r) => r.path.split('?')[0] === path),
    respond: (path, answer) => {
      answers.set(path, answer);
      counts.set(path, 0);
    },
    hits: (path) => counts.get(path) ?? 0,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
