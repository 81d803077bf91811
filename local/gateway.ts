import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Deps } from '../shared/deps';
import { claimsAsApiGatewayPassesThem } from '../shared/http/jwt';
import { lambdaContext } from './lambda-context';
import { installLambdaGlobals, isStreamingHandler, responseStreamFor } from './lambda-streaming';
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
  readonly stream?: boolean;
  readonly load: () => Promise<LambdaHandler>;
}

export interface GatewayOptions {
  readonly port: number;
  /** Verifies a bearer token for staff routes (the local issuer); null means invalid. */
  readonly verifyToken?: (token: string) => Promise<Record<string, unknown> | null>;
  readonly extraRoutes?: readonly LocalRoute[];
  /** Serves anything not under /api/ (the pages). */
  readonly fallback?: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
  readonly accessLog?: (line: string) => void;
  /**
   * Called before a route's handler with its key (`GET /api/dashboard`); the handler waits for
   * what it returns. The local stack lets the tally catch up before the dashboard answers.
   */
  readonly beforeInvoke?: (routeKey: string) => Promise<void> | undefined;
  /**
   * The deps the route handlers run on (the local stack's: its clock, its mailer), asked for when a
   * handler is first loaded; without them each handler has its process's own, as in Lambda.
   */
  readonly deps?: () => Deps;
}

/**
 * API Gateway refuses payloads over 10 MB (its quota); locally anything over this is refused before
 * a handler sees it. No route takes more (`recordsMaxBodyBytes` is the largest; a test ties them).
 */
export const maxGatewayBody = 1024 * 1024;

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

type HandlerModule = { handler: LambdaHandler & { withDeps?: (deps: Deps) => LambdaHandler } };

const moduleRoutes = (deps: (() => Deps) | undefined): LocalRoute[] =>
  routes.map((r) => ({
    method: r.method,
    path: r.path,
    auth: r.auth,
    stream: r.stream,
    load: async () => {
      installLambdaGlobals();
      const { handler } = (await import(`../functions/${r.handler}.ts`)) as HandlerModule;
      return deps && handler.withDeps ? handler.withDeps(deps()) : handler;
    },
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

/**
 * A text body as a string, or null when its bytes are not UTF-8: it is refused instead of being
 * decoded with U+FFFD in place of the bad bytes, which would store text the client never sent.
 * A byte order mark stays in the text, as it did with Buffer#toString.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const decodeText = (body: Buffer): string | null => {
  try {
    return utf8.decode(body);
  } catch {
    return null;
  }
};

const toEvent = (
  req: IncomingMessage,
  url: URL,
  match: CompiledRoute,
  params: Record<string, string>,
  body: Buffer | string,
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
    ...(body.length ? { body: typeof body === 'string' ? body : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && typeof body !== 'string',
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
  const table = [...moduleRoutes(options.deps), ...(options.extraRoutes ?? [])].map(compile);
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
      if (!match) {
        // A known path asked with a method it does not have: 405 with the methods it has (RFC 9110).
        const allowed = [...new Set(table.filter((c) => c.pattern.test(url.pathname)).map((c) => c.route.method))];
        if (allowed.length === 0) return problem(res, 404, 'Not Found', 'There is no such endpoint.');
        res.setHeader('allow', allowed.join(', '));
        return problem(res, 405, 'Method Not Allowed', `This endpoint answers ${allowed.join(', ')} only.`);
      }
      const body = await readBody(req);
      if (body === null) return problem(res, 413, 'Content Too Large', 'The body is too large.');
      const text = textual(req.headers['content-type']) ? decodeText(body) : body;
      if (text === null) return problem(res, 400, 'Bad Request', 'The body is not valid UTF-8 text.');
      const requestId = randomUUID();
      const event = toEvent(req, url, match, params, text, requestId);
      // What API Gateway's JWT authorizer does before a staff route's function is invoked. A
      // streaming route is served by its function URL when deployed, where no authorizer runs:
      // its function verifies the token itself (shared/http/jwt.ts), here as there.
      if (match.route.auth === 'staff' && !match.route.stream) {
        const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        const claims = bearer && options.verifyToken ? await options.verifyToken(bearer[1]) : null;
        if (!claims) {
          res.setHeader('www-authenticate', 'Bearer');
          return problem(res, 401, 'Unauthorized', 'Sign in first: a valid bearer token is required.');
        }
        (event.requestContext as unknown as { authorizer: unknown }).authorizer = {
          jwt: { claims: claimsAsApiGatewayPassesThem(claims), scopes: String(claims.scope ?? '').split(' ').filter(Boolean) },
        };
      }
      const handler = await handlerFor(match);
      await options.beforeInvoke?.(match.key);
      const context = lambdaContext(match.key, { awsRequestId: requestId });
      if (isStreamingHandler(handler)) {
        await handler(event, responseStreamFor(res), context);
      } else {
        send(res, await handler(event, context));
      }
    } catch (error) {
      // Like API Gateway when an integration fails: a generic 500, nothing of the cause.
      console.error('gateway: handler failed', error instanceof Error ? error.name : 'error');
      if (process.env.YIJIAN_DEBUG) console.error(error);
      if (!res.headersSent) problem(res, 500, 'Internal Server Error', 'Something went wrong on our side.');
      else res.end();
    }
  });
  server.keepAliveTimeout = 5000;
  // What Node refuses before a request exists (a malformed request line, a header block over its
  // limit) is answered as problem+json too, like everything else.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ type: 'about:blank', title: status === 431 ? 'Request Header Fields Too Large' : 'Bad Request', status });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/problem+json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
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
