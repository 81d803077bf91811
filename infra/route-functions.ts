/**
 * One function per handler module of the route table. A module serving several routes is one
 * function with the widest access they need; a streaming route's function is served by its own
 * URL (HTTP APIs cannot stream), every other through the HTTP API (infra/http-api.ts).
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { routeKey, type RouteData, type RouteDef } from '../shared/routes';
import { originVerifyEnvName } from '../shared/settings';
import { bindTable, checkDeclaredAccess, type BoundTable, type DeclaredAccess } from './bind-table';
import { functionId, functionUrlOutputId } from './construct-ids';
import type { StaffIdentity } from './staff-identity';
import { YijianFunction } from './yijian-function';

interface HandlerNeeds {
  access: DeclaredAccess;
  routeKeys: string[];
  stream: boolean;
  staff: boolean;
  countsClients: boolean;
}

/** A module serving several routes touches what each of them declares. */
const mergeRouteData = (a: RouteData, b: RouteData): RouteData => ({
  read: [...new Set([...(a.read ?? []), ...(b.read ?? [])])],
  write: [...new Set([...(a.write ?? []), ...(b.write ?? [])])],
  indexes: [...new Set([...(a.indexes ?? []), ...(b.indexes ?? [])])],
});

/** What each handler module needs, from all the routes it serves. */
function needsByHandler(routeTable: readonly RouteDef[]): Map<string, HandlerNeeds> {
  const handlers = new Map<string, HandlerNeeds>();
  for (const route of routeTable) {
    const stream = route.stream === true;
    checkDeclaredAccess(routeKey(route), route);
    const entry = handlers.get(route.handler) ?? { access: { access: 'read', data: {} }, routeKeys: [], stream, staff: false, countsClients: false };
    if (entry.stream !== stream) {
      throw new Error(
        `functions/${route.handler}.ts serves streaming and non-streaming routes: a function is ` +
          'invoked either through its URL (streaming) or through the HTTP API, not both',
      );
    }
    entry.access = {
      access: route.access === 'write' ? 'write' : entry.access.access,
      data: mergeRouteData(entry.access.data, route.data),
    };
    if (route.auth === 'staff') entry.staff = true;
    // Public writes are the rate-limited requests (shared/services/public-desk.ts).
    if (route.auth === 'public' && route.access === 'write') entry.countsClients = true;
    entry.routeKeys.push(routeKey(route));
    handlers.set(route.handler, entry);
  }
  return handlers;
}

export interface RouteFunctionsProps {
  readonly routeTable: readonly RouteDef[];
  readonly table: BoundTable;
  readonly identity: StaffIdentity;
  /** The origin secret, for the functions that count clients (infra/origin-verify.ts). */
  readonly originVerifySecret: string;
}

export interface RouteFunctions {
  /** Keyed by the handler name of the route table. */
  readonly functions: Map<string, YijianFunction>;
  /** One function URL per handler of streaming routes, keyed by the handler name. */
  readonly functionUrls: Map<string, FunctionUrl>;
}

/** One YijianFunction per handler in `scope` (the stack), each with its function URL if it streams. */
export function createRouteFunctions(scope: Construct, props: RouteFunctionsProps): RouteFunctions {
  const functions = new Map<string, YijianFunction>();
  const functionUrls = new Map<string, FunctionUrl>();
  for (const [handler, { access, routeKeys, stream, staff, countsClients }] of needsByHandler(props.routeTable)) {
    const fn = new YijianFunction(scope, functionId(handler), {
      handler,
      description: `yijian ${handler}: ${routeKeys.join(', ')}`,
      // Not behind the HTTP API's 29-second limit: a streamed export may take longer.
      ...(stream ? { timeout: Duration.minutes(1) } : {}),
    });
    bindTable(fn, props.table, access);
    // Only the functions that count clients hold the origin secret: every other one has no use
    // for a viewer address, and one copy fewer of the secret is one reader fewer.
    if (countsClients) fn.addEnvironment(originVerifyEnvName, props.originVerifySecret);
    functions.set(handler, fn);
    if (stream) functionUrls.set(handler, createStreamingUrl(fn, routeKeys, staff, props.identity));
  }
  return { functions, functionUrls };
}

/**
 * A streaming function's URL. Its auth type is NONE, so for a staff route the function verifies
 * the Cognito access token itself (aws-jwt-verify, shared/http/jwt.ts): YIJIAN_JWT_ISSUER and
 * YIJIAN_JWT_CLIENT_ID tell it whose tokens to accept. No CORS: it is served from the same
 * origin as the console (CloudFront routes /api/exports/* to it).
 */
function createStreamingUrl(fn: YijianFunction, routeKeys: readonly string[], staff: boolean, identity: StaffIdentity): FunctionUrl {
  if (staff) {
    fn.addEnvironment('YIJIAN_JWT_ISSUER', identity.issuerUrl);
    fn.addEnvironment('YIJIAN_JWT_CLIENT_ID', identity.client.userPoolClientId);
  }
  const url = fn.function.addFunctionUrl({
    authType: FunctionUrlAuthType.NONE,
    invokeMode: InvokeMode.RESPONSE_STREAM,
  });
  new CfnOutput(Stack.of(fn), functionUrlOutputId(fn.handlerName), {
    value: url.url,
    description: `Function URL (response streaming) of ${routeKeys.join(', ')}`,
  });
  return url;
}
