/**
 * The deployed yijian: the single table, one function per handler of the route table, the staff
 * user pool, and the HTTP API with one Lambda integration per route (streaming routes are served
 * by their function's URL instead), plus the background workers of shared/workers.ts (infra/workers.ts)
 * and the web pages behind CloudFront, on the same origin as the API (infra/site.ts).
 * Everything is derived from shared/routes.ts, shared/workers.ts and
 * shared/data/table-definition.ts, the same declarations the local stack mounts.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { originVerifyEnvName } from '../shared/settings';
import { tableDefinition } from '../shared/data/table-definition';
import { routeKey, routes as sharedRoutes, type RouteDef } from '../shared/routes';
import { scheduleWorker, streamWorker, tallyWorker } from '../shared/workers';
import { bindTable, type TableAccess } from './bind-table';
import { checkOriginVerifyVersionId, OriginVerify, originVerifyVersionIdFrom } from './origin-verify';
import { Site } from './site';
import { webDistFrom } from './site-pages';
import {
  checkCognitoDomainPrefix,
  checkConsoleUrl,
  checkSupervisionGroupIds,
  cognitoDomainPrefixFrom,
  consoleScopes,
  consoleUrlFrom,
  defaultConsoleUrl,
  StaffIdentity,
  staffRouteScopes,
  supervisionGroupIdsFrom,
} from './staff-identity';
import { workerSettingsFrom, type WorkerSettings } from './worker-settings';
import { Workers } from './workers';
import { YijianFunction } from './yijian-function';

export interface YijianStackProps extends StackProps {
  /** @default the route table of shared/routes.ts (tests pass their own to probe edge cases) */
  readonly routes?: readonly RouteDef[];
  /**
   * One Cognito group `group:<id>` per supervision group.
   * @default context `supervisionGroups` (comma list), else the groups of shared/demo/directory.ts
   */
  readonly supervisionGroupIds?: readonly string[];
  /**
   * The console's URL (OAuth callback and sign-out URL of the app client). Not derived from the
   * distribution: the export function's environment names the app client, the client would name
   * the distribution and the distribution names the export function's URL, a dependency cycle.
   * After the first deploy, set it to the ConsoleUrl output (or the custom domain's /console).
   * @default context `consoleUrl`, else http://localhost:3000/console
   */
  readonly consoleUrl?: string;
  /**
   * The prefix of the Cognito domain hosting the managed login the console signs in with.
   * @default context `cognitoDomainPrefix`, else none: no domain, and staff cannot sign in yet
   */
  readonly cognitoDomainPrefix?: string;
  /**
   * The built web pages (vite build). A missing folder deploys a placeholder page (with a warning).
   * @default context `webDist` (relative to the repository root), else web/dist
   */
  readonly webDist?: string;
  /** Stage-wide limits; the handlers add per-IP limits for public writes. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Sender, SES identity, public URL, auto-close days and alarm e-mail of the workers.
   * @default the context values of infra/worker-settings.ts, else their defaults
   */
  readonly workerSettings?: Partial<WorkerSettings>;
  /**
   * The version of the origin secret to use, after a rotation by hand (infra/origin-verify.ts).
   * @default context `originVerifyVersionId`, else the secret's current version
   */
  readonly originVerifyVersionId?: string;
}

/** Steady requests per second and burst for the whole stage (a campaign office, not a shop). */
export const defaultThrottle = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * One JSON object per request. Left out on purpose: the path (routeKey names the route, and the
 * path would copy tracking codes into the logs) and the client IP (the product promises anonymous
 * submitters that no client IP is kept with their items; these logs are kept a month).
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

const pascal = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');

export class YijianStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /**
   * One function per handler module, keyed by the handler name of the route table, and the
   * workers of shared/workers.ts (notify, tally, sweep) under theirs.
   */
  readonly functions: ReadonlyMap<string, YijianFunction>;
  /** notify and tally (stream), sweep (schedule), their failure queues, alarms and alarm topic. */
  readonly workers: Workers;
  /** One HTTP API route per non-streaming route-table entry, keyed by its route key (`GET /api/form`). */
  readonly routes: ReadonlyMap<string, HttpRoute>;
  /** One function URL per handler of streaming routes, keyed by the handler name. */
  readonly functionUrls: ReadonlyMap<string, FunctionUrl>;
  readonly staffIdentity: StaffIdentity;
  /** The bucket, the CloudFront distribution and the deployments of the pages and /config.json. */
  readonly site: Site;
  /** The secret CloudFront sends the API, without which no function believes a viewer address. */
  readonly originVerify: OriginVerify;

  constructor(scope: Construct, id: string, props: YijianStackProps = {}) {
    super(scope, id, props);
    const routeTable = props.routes ?? sharedRoutes;
    for (const route of routeTable) {
      if (route.path.startsWith('/api/dev/')) {
        throw new Error(`${routeKey(route)} is a local-only endpoint (docs/api.md) and is never deployed`);
      }
    }

    this.staffIdentity = new StaffIdentity(this, 'Staff', {
      supervisionGroupIds:
        props.supervisionGroupIds === undefined
          ? supervisionGroupIdsFrom(this)
          : checkSupervisionGroupIds(props.supervisionGroupIds),
      consoleUrl: props.consoleUrl === undefined ? consoleUrlFrom(this) : checkConsoleUrl(props.consoleUrl),
      domainPrefix:
        props.cognitoDomainPrefix === undefined
          ? cognitoDomainPrefixFrom(this)
          : checkCognitoDomainPrefix(props.cognitoDomainPrefix),
    });
    const identity = this.staffIdentity;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      stream: StreamViewType[tableDefinition.stream],
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDefinition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...(index.projection === 'ALL'
          ? { projectionType: ProjectionType.ALL }
          : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
      });
    }
    const boundTable = {
      table: this.table,
      indexNames: tableDefinition.globalSecondaryIndexes.map((index) => index.name),
    };

    this.originVerify = new OriginVerify(this, 'OriginVerify', {
      versionId:
        props.originVerifyVersionId === undefined ? originVerifyVersionIdFrom(this) : checkOriginVerifyVersionId(props.originVerifyVersionId),
    });

    // A handler module serving several routes is one function with the widest access they need.
    const handlers = new Map<string, { access: TableAccess; routeKeys: string[]; stream: boolean; staff: boolean; countsClients: boolean }>();
    for (const route of routeTable) {
      const stream = route.stream === true;
      const entry = handlers.get(route.handler) ?? { access: 'read', routeKeys: [], stream, staff: false, countsClients: false };
      if (entry.stream !== stream) {
        throw new Error(
          `functions/${route.handler}.ts serves streaming and non-streaming routes: a function is ` +
            'invoked either through its URL (streaming) or through the HTTP API, not both',
        );
      }
      if (route.access === 'write') entry.access = 'write';
      if (route.auth === 'staff') entry.staff = true;
      // Public writes are the rate-limited requests (shared/services/public-desk.ts).
      if (route.auth === 'public' && route.access === 'write') entry.countsClients = true;
      entry.routeKeys.push(routeKey(route));
      handlers.set(route.handler, entry);
    }
    const functions = new Map<string, YijianFunction>();
    const functionUrls = new Map<string, FunctionUrl>();
    for (const [handler, { access, routeKeys, stream, staff, countsClients }] of handlers) {
      const fn = new YijianFunction(this, pascal(handler), {
        handler,
        description: `yijian ${handler}: ${routeKeys.join(', ')}`,
        // Not behind the HTTP API's 29-second limit: a streamed export may take longer.
        ...(stream ? { timeout: Duration.minutes(1) } : {}),
      });
      bindTable(fn, boundTable, access);
      // Only the functions that count clients hold the origin secret: every other one has no use
      // for a viewer address, and one copy fewer of the secret is one reader fewer.
      if (countsClients) fn.addEnvironment(originVerifyEnvName, this.originVerify.value);
      functions.set(handler, fn);
      if (stream) functionUrls.set(handler, this.streamingUrl(fn, routeKeys, staff, identity));
    }
    for (const worker of [streamWorker.handler, tallyWorker.handler, scheduleWorker.handler]) {
      if (functions.has(worker)) {
        throw new Error(`functions/${worker}.ts is a background worker (shared/workers.ts) and cannot serve routes too`);
      }
    }
    // Checked before anything is built from them.
    const workerSettings = workerSettingsFrom(this, props.workerSettings);
    this.functionUrls = functionUrls;

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.api = new HttpApi(this, 'Api', {
      apiName: 'yijian',
      description: 'yijian feedback desk (docs/api.md)',
      // The stage is made below, where its throttling and access logs can be set.
      createDefaultStage: false,
    });
    const throttle = props.throttle ?? defaultThrottle;
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: throttle.rateLimit, burstLimit: throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });

    const routesByKey = new Map<string, HttpRoute>();
    const seenKeys = new Set<string>();
    for (const route of routeTable) {
      const key = routeKey(route);
      if (seenKeys.has(key)) throw new Error(`duplicate route in the route table: ${key}`);
      seenKeys.add(key);
      // HTTP APIs cannot stream: a streaming route is served by its function's URL (above).
      if (route.stream === true) continue;
      const id = `Route${pascal(route.method.toLowerCase())}${pascal(route.path)}`;
      const staff = route.auth === 'staff';
      const httpRoute = new HttpRoute(this, id, {
        httpApi: this.api,
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
    this.routes = routesByKey;

    // The console's configuration, read at run time from /config.json.
    const region = this.region;
    const consoleUrl = identity.consoleUrl;
    const consoleConfig = {
      region,
      userPoolId: identity.userPool.userPoolId,
      clientId: identity.client.userPoolClientId,
      cognitoDomain: identity.domainUrl ?? null,
      apiBase: '/api',
      // The shape web/src/console/auth.ts reads: present only when there is a managed login.
      ...(identity.domainUrl === undefined
        ? {}
        : {
            cognito: {
              domain: identity.domainUrl,
              clientId: identity.client.userPoolClientId,
              scopes: consoleScopes.map((scope) => scope.scopeName),
              // No redirectUri: the console returns to its own URL, which must equal consoleUrl.
            },
          }),
    };
    this.site = new Site(this, 'Site', {
      webDist: props.webDist ?? webDistFrom(this),
      api: this.api,
      streaming: routeTable
        .filter((route) => route.stream === true)
        .map((route) => ({ path: route.path, methods: [route.method], url: functionUrls.get(route.handler)! })),
      consoleConfig,
      connectSources: [
        `https://cognito-idp.${region}.${this.urlSuffix}`,
        ...(identity.domainUrl === undefined ? [] : [identity.domainUrl]),
      ],
      originVerifySecret: this.originVerify.value,
    });
    if (identity.domainUrl === undefined || consoleUrl === defaultConsoleUrl) {
      Validations.of(this).addWarning(
        'yijian:StaffSignIn',
        'Staff cannot sign in to the deployed console yet: ' +
          [
            ...(identity.domainUrl === undefined ? ['set context cognitoDomainPrefix (a Cognito domain for the managed login)'] : []),
            ...(consoleUrl === defaultConsoleUrl ? ['set context consoleUrl to the ConsoleUrl output after the first deploy'] : []),
          ].join(', and ') +
          '.',
      );
    }

    // After the site: notify's links lead to it unless publicUrl names another address.
    this.workers = new Workers(this, 'Workers', {
      table: boundTable,
      settings: workerSettings,
      defaultPublicUrl: this.site.url,
    });
    functions.set(streamWorker.handler, this.workers.notify);
    functions.set(tallyWorker.handler, this.workers.tally);
    functions.set(scheduleWorker.handler, this.workers.sweep);
    this.functions = functions;

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: identity.client.userPoolClientId });
    new CfnOutput(this, 'JwtIssuer', { value: identity.issuerUrl });
    if (identity.domainUrl !== undefined) new CfnOutput(this, 'CognitoDomainUrl', { value: identity.domainUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.workers.alarmTopic.topicArn });
    new CfnOutput(this, 'NotifyFailureQueueUrl', { value: this.workers.notifyFailures.queueUrl });
    new CfnOutput(this, 'SweepFailureQueueUrl', { value: this.workers.sweepFailures.queueUrl });
  }

  /**
   * A streaming function's URL. Its auth type is NONE, so for a staff route the function verifies
   * the Cognito access token itself (aws-jwt-verify, shared/http/jwt.ts): YIJIAN_JWT_ISSUER and
   * YIJIAN_JWT_CLIENT_ID tell it whose tokens to accept. No CORS: it is served from the same
   * origin as the console (CloudFront routes /api/exports/* to it).
   */
  private streamingUrl(fn: YijianFunction, routeKeys: readonly string[], staff: boolean, identity: StaffIdentity): FunctionUrl {
    if (staff) {
      fn.addEnvironment('YIJIAN_JWT_ISSUER', identity.issuerUrl);
      fn.addEnvironment('YIJIAN_JWT_CLIENT_ID', identity.client.userPoolClientId);
    }
    const url = fn.function.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
    });
    new CfnOutput(this, `${pascal(fn.handlerName)}Url`, {
      value: url.url,
      description: `Function URL (response streaming) of ${routeKeys.join(', ')}`,
    });
    return url;
  }
}
