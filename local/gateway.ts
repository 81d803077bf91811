import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { routeKey, routes, type RouteDef } from '../shared/routes';

/**
 * The local stand-in for API Gateway's HTTP API: it turns each HTTP request into a payload-2.0
 * event, calls the same handler module that CDK deploys (from the same route table) and turns the
 * result back into HTTP. It listens on 127.0.0.1 only.
 */
type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | string | object>;

export interface LocalRoute {
  readonly method: string;
  readonly path: string;
  readonly auth?: RouteDef['auth'] | 'local';
  readonly load: () => Promise<LambdaHandler>;
}

export interface GatewayOptions {
  readonly port: number;
  readonly extraRoutes?: readonly LocalRoute[];
  /** Serves anything not under /api/ (the pages). */
  readonly fallback?: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
  readonly accessLog?: (line: string) => void;
}

/** API Gateway refuses payloads over 10 MB; locally anything over 1 MiB is refused before a handler sees it. */
const maxGatewayBody = 1024 * 1024;

interface CompiledRoute {
  readonly route: LocalRoute;
  readonly key: string;
  readonly pattern: RegExp;
  readonly names: string[];
}

const compile = (route: LocalRoute): CompiledRoute => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const m = /^\{(\w+)\+?\}$/.exec(segment);
      if (!m) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(m[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, key: routeKey({ method: route.method as RouteDef['method'], path: route.path }), pattern: new RegExp(`^${source}$`), names };
};

const moduleRoutes = (): LocalRoute[] =>
  routes.map((r) => ({
    method: r.method,
    path: r.path,
    auth: r.auth,
    load: async () => ((await import(`../functions/${r.handler}.ts`)) as { handler: LambdaHandler }).handler,
  }));

const problem = (res: ServerResponse, status: number, title: string, detail: string) => {
  res.writeHead(status, { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
};

const readBody = (req: IncomingMessage): Promise<Buffer | null> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxGatewayBody) {
        resolve(null);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const textual = (contentType: string | undefined): boolean =>
  !contentType || /^(text\/|application\/([a-z0-9.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded))/i.test(contentType);

const toEvent = (
  req: IncomingMessage,
  url: URL,
  match: CompiledRoute,
  params: Record<string, string>,
  body: Buffer,
  requestId: string,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const isText = textual(req.headers['content-type']);
  return {
    version: '2.0',
    routeKey: match.key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(req.headers.cookie ? { cookies: req.headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    ...(match.names.length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: req.headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
};

const lambdaContext = (name: string, requestId: string): Context => {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/** How API Gateway turns a payload-2.0 result into HTTP (a bare object or string means 200 JSON). */
const send = (res: ServerResponse, result: APIGatewayProxyStructuredResultV2 | string | object | undefined) => {
  const structured =
    result && typeof result === 'object' && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result ?? null) };
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  res.writeHead(structured.statusCode ?? 200, headers);
  const body = structured.body ?? '';
  res.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
};

export interface Gateway {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

export const startGateway = async (options: GatewayOptions): Promise<Gateway> => {
  const table = [...moduleRoutes(), ...(options.extraRoutes ?? [])].map(compile);
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const handlerFor = (match: CompiledRoute) => {
    let loaded = handlers.get(match.key);
    if (!loaded) {
      loaded = match.route.load();
      handlers.set(match.key, loaded);
    }
    return loaded;
  };

  const server = createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      options.accessLog?.(`${req.method} ${url.pathname} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    try {
      if (!url.pathname.startsWith('/api/') && options.fallback) return await options.fallback(req, res);
      let match: CompiledRoute | undefined;
      let params: Record<string, string> = {};
      for (const candidate of table) {
        if (candidate.route.method !== req.method) continue;
        const m = candidate.pattern.exec(url.pathname);
        if (!m) continue;
        match = candidate;
        params = Object.fromEntries(
          candidate.names.map((name, i) => {
            const raw = m[i + 1];
            try {
              return [name, decodeURIComponent(raw)];
            } catch {
              return [name, raw];
            }
          }),
        );
        break;
      }
      if (!match) return problem(res, 404, 'Not Found', 'There is no such endpoint.');
      const body = await readBody(req);
      if (body === null) return problem(res, 413, 'Content Too Large', 'The body is too large.');
      const requestId = randomUUID();
      const handler = await handlerFor(match);
      const event = toEvent(req, url, match, params, body, requestId);
      send(res, await handler(event, lambdaContext(match.key, requestId)));
    } catch (error) {
      // Like API Gateway when an integration fails: a generic 500, nothing of the cause.
      console.error('gateway: handler failed', error instanceof Error ? error.name : 'error');
      if (!res.headersSent) problem(res, 500, 'Internal Server Error', 'Something went wrong on our side.');
      else res.end();
    }
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
