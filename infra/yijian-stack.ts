/**
 * The deployed yijian: the single table, one function per handler of the route table, and the
 * HTTP API with one Lambda integration per route. Everything is derived from shared/routes.ts
 * and shared/data/table-definition.ts, the same declarations the local stack mounts.
 */
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
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
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { tableDefinition } from '../shared/data/table-definition';
import { routeKey, routes as sharedRoutes, type RouteDef } from '../shared/routes';
import { bindTable, type TableAccess } from './bind-table';
import { YijianFunction } from './yijian-function';

export interface YijianStackProps extends StackProps {
  /** @default the route table of shared/routes.ts (tests pass their own to probe edge cases) */
  readonly routes?: readonly RouteDef[];
  /**
   * The JWT authorizer for `auth: 'staff'` routes (the Cognito user pool's, issue 3). Synthesis
   * fails when a staff route exists and this is missing: a staff route is never deployed open.
   */
  readonly staffAuthorizer?: IHttpRouteAuthorizer;
  /** Stage-wide limits; the handlers add per-IP limits for public writes. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

/** Steady requests per second and burst for the whole stage (a campaign office, not a shop). */
export const defaultThrottle = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * One JSON object per request. The path is left out on purpose: routeKey names the route, and
 * the path would copy tracking codes into the logs.
 */
export const accessLogFields = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
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
  /** One function per handler module, keyed by the handler name of the route table. */
  readonly functions: ReadonlyMap<string, YijianFunction>;
  /** One route per route-table entry, keyed by its route key (`GET /api/form`). */
  readonly routes: ReadonlyMap<string, HttpRoute>;

  constructor(scope: Construct, id: string, props: YijianStackProps = {}) {
    super(scope, id, props);
    const routeTable = props.routes ?? sharedRoutes;

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

    // A handler module serving several routes is one function with the widest access they need.
    const handlers = new Map<string, { access: TableAccess; routeKeys: string[] }>();
    for (const route of routeTable) {
      const entry = handlers.get(route.handler) ?? { access: 'read', routeKeys: [] };
      if (route.access === 'write') entry.access = 'write';
      entry.routeKeys.push(routeKey(route));
      handlers.set(route.handler, entry);
    }
    const functions = new Map<string, YijianFunction>();
    for (const [handler, { access, routeKeys }] of handlers) {
      const fn = new YijianFunction(this, pascal(handler), {
        handler,
        description: `yijian ${handler}: ${routeKeys.join(', ')}`,
      });
      bindTable(fn, boundTable, access);
      functions.set(handler, fn);
    }
    this.functions = functions;

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
    for (const route of routeTable) {
      const key = routeKey(route);
      if (routesByKey.has(key)) throw new Error(`duplicate route in the route table: ${key}`);
      const id = `Route${pascal(route.method.toLowerCase())}${pascal(route.path)}`;
      const httpRoute = new HttpRoute(this, id, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${id}Integration`, functions.get(route.handler)!.function),
        authorizer: this.authorizerFor(route, props.staffAuthorizer),
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

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  private authorizerFor(route: RouteDef, staffAuthorizer: IHttpRouteAuthorizer | undefined): IHttpRouteAuthorizer {
    if (route.auth === 'public') return new HttpNoneAuthorizer();
    if (staffAuthorizer === undefined) {
      throw new Error(
        `${routeKey(route)} is a staff route but YijianStack has no staffAuthorizer ` +
          '(the Cognito JWT authorizer): refusing to deploy it unauthenticated',
      );
    }
    return staffAuthorizer;
  }
}
