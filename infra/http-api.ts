/**
 * The HTTP API: its one stage (throttled, with access logs that keep no client IP and no path)
 * and one route per non-streaming entry of the route table, each a Lambda integration of its
 * handler's function, staff routes behind the Cognito authorizer of infra/staff-identity.ts.
 */
import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { allowedMethods, routeKey, type RouteDef } from '../shared/routes';
import { anyRouteId, routeId } from './construct-ids';
import type { ApiDomain } from './edge-settings';
import { staffRouteScopes, type StaffIdentity } from './staff-identity';
import type { YijianFunction } from './yijian-function';

/** Steady requests per second and burst for the whole stage (a campaign office, not a shop). */
export const defaultThrottle = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * One JSON object per request. Left out on purpose: the path (routeKey names the route, and the
 * path would copy tracking codes into the logs) and the client IP (the product promises anonymous
 * submitters that no client IP is kept with their items; these logs are kept `RetentionDays.ONE_MONTH`).
 */
export const accessLogFields = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  responseLength: '$context.responseLength',
  userAgent: '$context.identity.userAgent',
} as const;

export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * `ApiAccessLogs`, `Api` and `DefaultStage` in `scope` (the stack), and with `apiDomain` the API's
 * custom domain name and its mapping: then the execute-api endpoint is disabled, so the API is
 * reachable only through that domain, which only CloudFront is given (infra/edge-settings.ts).
 */
export function createHttpApi(
  scope: Construct,
  throttle: Throttle,
  apiDomain?: ApiDomain,
): { api: HttpApi; stage: HttpStage; domain?: DomainName } {
  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
  const api = new HttpApi(scope, 'Api', {
    apiName: 'yijian',
    description: 'yijian feedback desk (docs/api.md)',
    // The stage is made below, where its throttling and access logs can be set.
    createDefaultStage: false,
    disableExecuteApiEndpoint: apiDomain !== undefined,
  });
  const stage = new HttpStage(scope, 'DefaultStage', {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: throttle.rateLimit, burstLimit: throttle.burstLimit },
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
    },
  });
  if (apiDomain === undefined) return { api, stage };
  const domain = new DomainName(scope, 'ApiDomain', {
    domainName: apiDomain.domainName,
    certificate: Certificate.fromCertificateArn(scope, 'ApiCertificate', apiDomain.certificateArn),
    securityPolicy: SecurityPolicy.TLS_1_2,
  });
  new ApiMapping(scope, 'ApiMapping', { api, domainName: domain, stage });
  return { api, stage, domain };
}

export interface ApiRoutesProps {
  readonly api: HttpApi;
  readonly routeTable: readonly RouteDef[];
  /** The route functions, keyed by handler name (infra/route-functions.ts). */
  readonly functions: ReadonlyMap<string, YijianFunction>;
  readonly identity: StaffIdentity;
  /** functions/method-not-allowed.ts, behind an `ANY` route per path. */
  readonly methodNotAllowed: YijianFunction;
}

/** One HttpRoute per non-streaming route in `scope` (the stack), keyed by its route key (`GET /api/form`). */
export function createApiRoutes(scope: Construct, { api, routeTable, functions, identity, methodNotAllowed }: ApiRoutesProps): Map<string, HttpRoute> {
  const routesByKey = new Map<string, HttpRoute>();
  const seenKeys = new Set<string>();
  for (const route of routeTable) {
    const key = routeKey(route);
    if (seenKeys.has(key)) throw new Error(`duplicate route in the route table: ${key}`);
    seenKeys.add(key);
    // HTTP APIs cannot stream: a streaming route is served by its function's URL.
    if (route.stream === true) continue;
    const id = routeId(route);
    const staff = route.auth === 'staff';
    const httpRoute = new HttpRoute(scope, id, {
      httpApi: api,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration: new HttpLambdaIntegration(`${id}Integration`, functions.get(route.handler)!.function),
      authorizer: staff ? identity.authorizer : new HttpNoneAuthorizer(),
      ...(staff ? { authorizationScopes: [...staffRouteScopes] } : {}),
    });
    if (route.auth === 'public') {
      Validations.of(httpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          `${key} is a public endpoint of the API contract (docs/api.md): submitters use it ` +
          'without an account. Abuse is bounded by stage throttling and per-IP rate limits; ' +
          'a submission is read back only with its secret access key.',
      });
    }
    routesByKey.set(key, httpRoute);
  }
  // A known path asked with a method it does not have: API Gateway prefers the route of the
  // request's own method, so `ANY` catches only the others and answers 405 with Allow (alone,
  // API Gateway would answer 404). One integration for all of them; no authorizer: a 405 says
  // nothing a 404 would not, and costs one small invocation that touches no table.
  const integration = new HttpLambdaIntegration('MethodNotAllowedIntegration', methodNotAllowed.function);
  for (const path of allowedMethods(routeTable).keys()) {
    const httpRoute = new HttpRoute(scope, anyRouteId(path), {
      httpApi: api,
      routeKey: HttpRouteKey.with(path, HttpMethod.ANY),
      integration,
      authorizer: new HttpNoneAuthorizer(),
    });
    Validations.of(httpRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: `ANY ${path} answers only the methods the path does not have, with 405 and Allow; it reads and returns nothing else.`,
    });
  }
  return routesByKey;
}
