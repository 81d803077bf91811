/**
 * One function per handler module of the route table. A module serving several routes is one
 * function with the widest access they need; a streaming route's function is served by its own
 * URL (HTTP APIs cannot stream), every other through the HTTP API (infra/http-api.ts).
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { challengePath, routeKey, type RouteData, type RouteDef } from '../shared/routes';
import { originVerifyEnvName } from '../shared/settings';
import { bindBucket, type BucketUse } from './bind-bucket';
import { bindTable, checkDeclaredAccess, type BoundTable, type DeclaredAccess } from './bind-table';
import { functionId, functionUrlOutputId } from './construct-ids';
import { streamTimeout } from './stream-settings';
import type { RoomSecret } from './room-secret';
import type { StaffIdentity } from './staff-identity';
import { YijianFunction } from './yijian-function';

interface HandlerNeeds {
  access: DeclaredAccess;
  routeKeys: string[];
  stream: boolean;
  staff: boolean;
  countsClients: boolean;
  /** Counts clients or issues challenges: reads the room secret (infra/room-secret.ts). */
  usesRoom: boolean;
  /** A public route that takes a staff token too: the function verifies it (shared/routes.ts takesStaffToken). */
  takesStaffToken: boolean;
  /** What it does with the attachments bucket (infra/bind-bucket.ts). */
  bucket: Set<BucketUse>;
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
    const entry = handlers.get(route.handler) ?? {
      access: { access: 'read', data: {} },
      routeKeys: [],
      stream,
      staff: false,
      countsClients: false,
      usesRoom: false,
      takesStaffToken: false,
      bucket: new Set<BucketUse>(),
    };
    if (route.takesStaffToken) entry.takesStaffToken = true;
    for (const use of route.bucket ?? []) entry.bucket.add(use);
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
    if (entry.countsClients || route.path === challengePath) entry.usesRoom = true;
    entry.routeKeys.push(routeKey(route));
    handlers.set(route.handler, entry);
  }
  return handlers;
}

export interface RouteFunctionsProps {
  readonly routeTable: readonly RouteDef[];
  /** Reserved concurrency of each streaming function (infra/stream-settings.ts). */
  readonly streamConcurrency: number;
  readonly table: BoundTable;
  readonly identity: StaffIdentity;
  /** The origin secret, for the functions that count clients (infra/origin-verify.ts). */
  readonly originVerifySecret: string;
  /** The room secret, for the functions that count clients or issue challenges. */
  readonly roomSecret: RoomSecret;
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
  for (const [handler, { access, routeKeys, stream, staff, countsClients, usesRoom, takesStaffToken, bucket }] of needsByHandler(props.routeTable)) {
    const fn = new YijianFunction(scope, functionId(handler), {
      handler,
      description: `yijian ${handler}: ${routeKeys.join(', ')}`,
      // Re-encoding photos (sharp) wants CPU, which Lambda scales with memory: `maxAttachments`
      // photos of `maxAttachmentBytes` in one write stay well inside the timeout.
      ...(bucket.has('attach') ? { memorySize: attachMemoryMb, timeout: Duration.seconds(attachTimeoutSeconds) } : {}),
      // Not behind the HTTP API's limit (`httpApiTimeoutSeconds`): a streamed export may take longer. Its own
      // small reserved concurrency: exports are few and long, and many at once could neither
      // exhaust the account's concurrency nor eat the table's capacity the desk needs.
      ...(stream ? { timeout: streamTimeout, reservedConcurrentExecutions: props.streamConcurrency } : {}),
    });
    bindTable(fn, props.table, access);
    // Only the functions that count clients hold the origin secret: every other one has no use
    // for a viewer address, and one copy fewer of the secret is one reader fewer.
    if (countsClients) fn.addEnvironment(originVerifyEnvName, props.originVerifySecret);
    if (usesRoom) props.roomSecret.bind(fn);
    if (takesStaffToken) trustStaffTokens(fn, props.identity);
    functions.set(handler, fn);
    if (stream) functionUrls.set(handler, createStreamingUrl(fn, routeKeys, staff, props.identity));
  }
  return { functions, functionUrls };
}

/**
 * A streaming function's URL. Its auth type is AWS_IAM: only CloudFront, through origin access
 * control (infra/site-distribution.ts), may invoke it, with requests it signs for this
 * distribution, so nobody can call it directly. Behind that, for a staff route the function
 * verifies the Cognito access token itself (aws-jwt-verify, shared/http/jwt.ts), from
 * X-Yijian-Authorization because CloudFront's signature takes Authorization
 * (shared/http/staff-token.ts): YIJIAN_JWT_ISSUER and YIJIAN_JWT_CLIENT_ID tell it whose tokens
 * to accept. No CORS: it is served from the same origin as the console.
 */
function createStreamingUrl(fn: YijianFunction, routeKeys: readonly string[], staff: boolean, identity: StaffIdentity): FunctionUrl {
  if (staff) trustStaffTokens(fn, identity);
  const url = fn.function.addFunctionUrl({
    authType: FunctionUrlAuthType.AWS_IAM,
    invokeMode: InvokeMode.RESPONSE_STREAM,
  });
  new CfnOutput(Stack.of(fn), functionUrlOutputId(fn.handlerName), {
    value: url.url,
    description: `Function URL (response streaming) of ${routeKeys.join(', ')}`,
  });
  return url;
}

/** A function that verifies staff tokens itself: whose tokens (the user pool's issuer, our app client). */
function trustStaffTokens(fn: YijianFunction, identity: StaffIdentity): void {
  fn.addEnvironment('YIJIAN_JWT_ISSUER', identity.issuerUrl);
  fn.addEnvironment('YIJIAN_JWT_CLIENT_ID', identity.client.userPoolClientId);
}

/** Memory and timeout of the functions that attach uploads (and re-encode photos). */
export const attachMemoryMb = 1024;
export const attachTimeoutSeconds = 20;

/**
 * The attachments bucket bound to the functions whose routes use it (ATTACHMENTS_BUCKET, grants by
 * prefix: infra/bind-bucket.ts), and sharp's layer to those that attach (infra/sharp-layer.ts).
 */
export function bindAttachments(functions: ReadonlyMap<string, YijianFunction>, routeTable: readonly RouteDef[], bucket: IBucket, sharpLayer: ILayerVersion): void {
  for (const [handler, { bucket: uses }] of needsByHandler(routeTable)) {
    if (uses.size === 0) continue;
    const fn = functions.get(handler)!;
    bindBucket(fn, bucket, [...uses]);
    if (uses.has('attach')) fn.function.addLayers(sharpLayer);
  }
}
