/**
 * The synthesised template against the declarations it is built from (shared/routes.ts,
 * shared/data/table-definition.ts) and against AWS Solutions (cdk-nag) checks.
 * The stack is synthesised once: bundling every function is the slow part.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { CfnElement } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../../shared/data/table-definition';
import { routeKey, routes, type RouteDef } from '../../shared/routes';
import { tableReadActions, tableWriteActions } from '../../infra/bind-table';
import { esbuildOptions } from '../../infra/bundling';
import { YijianFunction } from '../../infra/yijian-function';
import { accessLogFields, defaultThrottle, YijianStack } from '../../infra/yijian-stack';

/** The feature flags of cdk.json, so the tested template is the one `cdk synth` makes. */
const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown };

let app: App;
let stack: YijianStack;
let template: Template;
let resources: Record<string, Resource>;

const logicalId = (construct: { node: { defaultChild?: unknown } } | CfnElement): string => {
  const element = (('logicalId' in construct ? construct : construct.node.defaultChild) as CfnElement);
  return stack.resolve(element.logicalId) as string;
};
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const handlers = [...new Set(routes.map((route) => route.handler))];

/** Every statement of the policies attached to a function's role, and its managed policies. */
const rolePolicies = (handler: string): { statements: Statement[]; managed: unknown[] } => {
  const fn = resources[logicalId(stack.functions.get(handler)!.function)]!;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  const role = resources[roleId]!;
  const statements = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: any) => ref.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  for (const inline of role.Properties.Policies ?? []) statements.push(...inline.PolicyDocument.Statement);
  return { statements, managed: role.Properties.ManagedPolicyArns ?? [] };
};

beforeAll(() => {
  app = new App({ context: cdkContext });
  stack = new YijianStack(app, 'YijianStack');
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
}, 120_000);

describe('table', () => {
  it('is built from shared/data/table-definition.ts', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const indexes = tableDefinition.globalSecondaryIndexes;
    const keyAttributes = [
      tableDefinition.partitionKey,
      tableDefinition.sortKey,
      ...indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
    ];
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals(
        keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      ),
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection:
          index.projection === 'ALL'
            ? { ProjectionType: 'ALL' }
            : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
      })),
      StreamSpecification: { StreamViewType: tableDefinition.stream },
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
    });
  });

  it('is on demand, recoverable, encrypted and protected from deletion', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });
});

describe('functions', () => {
  it('are exactly one per handler of the route table (no helper functions)', () => {
    template.resourceCountIs('AWS::Lambda::Function', handlers.length);
    expect([...stack.functions.keys()].sort()).toEqual([...handlers].sort());
  });

  it('run on ARM64, the bundling target runtime, with tracing, source maps and TABLE_NAME', () => {
    const runtime = YijianFunction.runtime.name;
    expect(runtime).toBe(`nodejs${esbuildOptions.target.replace('node', '')}.x`);
    expect(Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1])).toBeGreaterThanOrEqual(22);
    const tableId = logicalId(stack.table);
    for (const handler of handlers) {
      const fn = stack.functions.get(handler)!;
      const props = resources[logicalId(fn.function)]!.Properties;
      expect(props).toMatchObject({
        Architectures: ['arm64'],
        Runtime: runtime,
        Handler: 'index.handler',
        MemorySize: 512,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalId(fn.logGroup) } },
        Environment: {
          Variables: { TABLE_NAME: { Ref: tableId }, NODE_OPTIONS: '--enable-source-maps' },
        },
      });
      expect(props.Timeout).toBeLessThanOrEqual(29);
      expect(resources[logicalId(fn.logGroup)]!.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });
});

describe('http api', () => {
  it('has exactly the routes of shared/routes.ts', () => {
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey as string,
    );
    expect(routeKeys.length).toBe(routes.length);
    expect(new Set(routeKeys)).toEqual(new Set(routes.map(routeKey)));
  });

  it('integrates each route with the function of its handler', () => {
    const routeResources = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    for (const route of routes) {
      const resource = routeResources.find((r) => r.Properties.RouteKey === routeKey(route))!;
      const target = resource.Properties.Target['Fn::Join'][1] as unknown[];
      expect(target[0]).toBe('integrations/');
      const integration = resources[(target[1] as { Ref: string }).Ref]!;
      expect(integration.Type).toBe('AWS::ApiGatewayV2::Integration');
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalId(stack.functions.get(route.handler)!.function), 'Arn'] },
      });
      if (route.auth === 'public') expect(resource.Properties.AuthorizationType).toBe('NONE');
      else expect(resource.Properties.AuthorizationType).toBe('JWT');
    }
  });

  it('deploys no local-only /api/dev route', () => {
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey as string,
    );
    expect(routeKeys.filter((key) => key.includes('/api/dev'))).toEqual([]);
  });

  it('throttles the default stage and writes JSON access logs', () => {
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const stage = stages[0]!.Properties;
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: defaultThrottle.rateLimit,
        ThrottlingBurstLimit: defaultThrottle.burstLimit,
      },
    });
    const logGroupId = stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    expect(resources[logGroupId]!.Type).toBe('AWS::Logs::LogGroup');
    expect(resources[logGroupId]!.Properties.RetentionInDays).toBeGreaterThan(0);
    const format = JSON.parse(stage.AccessLogSettings.Format);
    expect(format).toEqual(accessLogFields);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      sourceIp: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
  });
});

describe('least privilege', () => {
  const writeActions = new Set<string>(tableWriteActions);
  const readActions = new Set<string>(tableReadActions);
  const access = (handler: string) => (routes.some((r) => r.handler === handler && r.access === 'write') ? 'write' : 'read');

  it('grants read-only functions no write action and write functions only item actions', () => {
    for (const handler of handlers) {
      const actions = rolePolicies(handler).statements.flatMap((s) => asArray(s.Action));
      const dynamo = actions.filter((a) => a.startsWith('dynamodb:'));
      expect(dynamo.every((a) => readActions.has(a) || writeActions.has(a)), `${handler}: ${dynamo}`).toBe(true);
      const writes = dynamo.filter((a) => writeActions.has(a));
      if (access(handler) === 'read') expect(writes, handler).toEqual([]);
      else expect(new Set(writes), handler).toEqual(writeActions);
      expect(actions.filter((a) => a.includes('*')), handler).toEqual([]);
    }
  });

  it('reaches nothing but the table, its named indexes, the own log group and X-Ray', () => {
    const tableArn = { 'Fn::GetAtt': [logicalId(stack.table), 'Arn'] };
    const allowedResources = [
      tableArn,
      ...tableDefinition.globalSecondaryIndexes.map((index) => ({
        'Fn::Join': ['', [tableArn, `/index/${index.name}`]],
      })),
    ];
    for (const handler of handlers) {
      const { statements, managed } = rolePolicies(handler);
      expect(managed, `${handler} has managed policies`).toEqual([]);
      const ownLogs = { 'Fn::GetAtt': [logicalId(stack.functions.get(handler)!.logGroup), 'Arn'] };
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        for (const resource of asArray(statement.Resource)) {
          if (resource === '*') {
            expect(asArray(statement.Action).sort(), `${handler}: wildcard resource`).toEqual([
              'xray:PutTelemetryRecords',
              'xray:PutTraceSegments',
            ]);
          } else if (asArray(statement.Action).every((a) => a.startsWith('logs:'))) {
            expect(resource).toEqual(ownLogs);
          } else {
            expect(allowedResources, `${handler}: ${JSON.stringify(resource)}`).toContainEqual(resource);
          }
        }
      }
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('has no unacknowledged error or warning', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.description} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('acknowledges every finding with a specific reason', () => {
    const acknowledgements = stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgements) {
      expect(reason.length, id).toBeGreaterThan(60);
    }
    // Only the findings this stack is designed around are acknowledged.
    const ids = new Set(acknowledgements.map(([id]) => id.replace(/^annotation::/i, '')));
    expect(ids).toEqual(new Set(['AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-APIG4']));
  });
});

describe('staff routes', () => {
  // Construct-only checks: bundling is skipped for these stacks (no assets are built).
  const staffRoute: RouteDef = { method: 'GET', path: '/api/items', handler: handlers[0]!, auth: 'staff', access: 'read' };
  const appWithoutBundling = () => new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });

  it('are refused without the JWT authorizer', () => {
    expect(() => new YijianStack(appWithoutBundling(), 'Staff', { routes: [...routes, staffRoute] })).toThrow(
      /staff route .*no staffAuthorizer/,
    );
  });

  it('get the JWT authorizer; public routes stay without one', () => {
    const authorizer = new HttpJwtAuthorizer('StaffJwt', 'https://issuer.example', { jwtAudience: ['yijian'] });
    const staffStack = new YijianStack(appWithoutBundling(), 'Staff', {
      routes: [...routes, staffRoute],
      staffAuthorizer: authorizer,
    });
    const staffTemplate = Template.fromStack(staffStack);
    staffTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: routeKey(staffRoute),
      AuthorizationType: 'JWT',
      AuthorizerId: Match.anyValue(),
    });
    for (const route of routes.filter((r) => r.auth === 'public')) {
      staffTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey(route),
        AuthorizationType: 'NONE',
      });
    }
  });
});
