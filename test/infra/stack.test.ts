/**
 * The synthesised template against the declarations it is built from (shared/routes.ts,
 * shared/data/table-definition.ts, shared/demo/directory.ts) and against AWS Solutions (cdk-nag)
 * checks. The stack is synthesised once: bundling every function is the slow part.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../../shared/data/table-definition';
import { demoDirectory } from '../../shared/demo/directory';
import { routeKey, routes, type RouteDef } from '../../shared/routes';
import { tableReadActions, tableWriteActions } from '../../infra/bind-table';
import { esbuildOptions } from '../../infra/bundling';
import { defaultConsoleUrl, staffGroupNames } from '../../infra/staff-identity';
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
/** HTTP APIs cannot stream: these routes are served by their function's URL instead. */
const streamRoutes = routes.filter((route) => route.stream === true);
const apiRoutes = routes.filter((route) => route.stream !== true);
const streamHandlers = new Set(streamRoutes.map((route) => route.handler));
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const apiRouteResources = () => ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r);
const functionOf = (handler: string) => resources[logicalId(stack.functions.get(handler)!.function)]!;

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
      // Behind the HTTP API a function must answer within its 29-second integration limit.
      if (!streamHandlers.has(handler)) expect(props.Timeout, handler).toBeLessThanOrEqual(29);
      else expect(props.Timeout, handler).toBeLessThanOrEqual(15 * 60);
      expect(resources[logicalId(fn.logGroup)]!.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });
});

describe('http api', () => {
  it('has exactly the non-streaming routes of shared/routes.ts', () => {
    const routeKeys = apiRouteResources().map((r) => r.Properties.RouteKey as string);
    expect(routeKeys.length).toBe(apiRoutes.length);
    expect(new Set(routeKeys)).toEqual(new Set(apiRoutes.map(routeKey)));
    for (const route of streamRoutes) expect(routeKeys, routeKey(route)).not.toContain(routeKey(route));
  });

  it('integrates each route with the function of its handler', () => {
    for (const route of apiRoutes) {
      const resource = apiRouteResources().find((r) => r.Properties.RouteKey === routeKey(route))!;
      const target = resource.Properties.Target['Fn::Join'][1] as unknown[];
      expect(target[0]).toBe('integrations/');
      const integration = resources[(target[1] as { Ref: string }).Ref]!;
      expect(integration.Type).toBe('AWS::ApiGatewayV2::Integration');
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalId(stack.functions.get(route.handler)!.function), 'Arn'] },
      });
    }
  });

  it('verifies Cognito access tokens of the console client on every staff route, and on no public route', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    const identity = stack.staffIdentity;
    expect(authorizer.Properties).toEqual({
      ApiId: { Ref: logicalId(stack.api) },
      AuthorizerType: 'JWT',
      Name: 'yijian-staff',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: stack.resolve(identity.issuerUrl),
        // Cognito access tokens have no `aud`: API Gateway then checks `client_id` against this.
        Audience: [{ Ref: logicalId(identity.client) }],
      },
    });
    // The pool's ProviderURL: https://cognito-idp.<region>.amazonaws.com(.cn)/<poolId>, its tokens' `iss`.
    expect(authorizer.Properties.JwtConfiguration.Issuer).toEqual({ 'Fn::GetAtt': [logicalId(identity.userPool), 'ProviderURL'] });

    expect(routes.some((route) => route.auth === 'staff' && route.stream !== true)).toBe(true);
    for (const route of apiRoutes) {
      const resource = apiRouteResources().find((r) => r.Properties.RouteKey === routeKey(route))!;
      if (route.auth === 'staff') {
        expect(resource.Properties, routeKey(route)).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerId },
          // ID tokens carry no scope: requiring one admits access tokens only.
          AuthorizationScopes: ['openid'],
        });
      } else {
        expect(resource.Properties.AuthorizationType, routeKey(route)).toBe('NONE');
        expect(resource.Properties.AuthorizerId, routeKey(route)).toBeUndefined();
      }
    }
  });

  it('deploys no local-only /api/dev route', () => {
    const routeKeys = apiRouteResources().map((r) => r.Properties.RouteKey as string);
    expect(routeKeys.filter((key) => key.includes('/api/dev'))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('/api/dev');
  });

  it('throttles the default stage and writes JSON access logs without the client IP', () => {
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
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    // Anonymous submitters are promised that no client IP is kept; nor are paths (tracking codes).
    expect(stage.AccessLogSettings.Format).not.toMatch(/sourceIp|\$context\.path|\$context\.identity\.caller/i);
  });
});

describe('streaming routes', () => {
  it('exist in the route table', () => {
    expect(streamRoutes.length).toBeGreaterThan(0);
  });

  it('are served by a response-streaming function URL with no CORS, one per streaming function only', () => {
    const urls = ofType('AWS::Lambda::Url').map(([, r]) => r.Properties);
    expect(urls).toHaveLength(streamHandlers.size);
    for (const handler of streamHandlers) {
      const fnId = logicalId(stack.functions.get(handler)!.function);
      const url = urls.find((u) => u.TargetFunctionArn['Fn::GetAtt']?.[0] === fnId);
      expect(url, handler).toEqual({
        TargetFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        AuthType: 'NONE',
        InvokeMode: 'RESPONSE_STREAM',
      });
    }
  });

  it('give a staff route\'s function the issuer and client id it verifies tokens against', () => {
    // Without these the function would have no token to check against (shared/http/jwt.ts).
    const identity = stack.staffIdentity;
    const staffStreamHandlers = new Set(streamRoutes.filter((r) => r.auth === 'staff').map((r) => r.handler));
    expect(staffStreamHandlers.size).toBeGreaterThan(0);
    for (const handler of staffStreamHandlers) {
      const variables = functionOf(handler).Properties.Environment.Variables;
      expect(variables.YIJIAN_JWT_ISSUER, handler).toEqual({ 'Fn::GetAtt': [logicalId(identity.userPool), 'ProviderURL'] });
      expect(variables.YIJIAN_JWT_CLIENT_ID, handler).toEqual({ Ref: logicalId(identity.client) });
    }
    for (const handler of handlers.filter((h) => !streamHandlers.has(h))) {
      expect(Object.keys(functionOf(handler).Properties.Environment.Variables), handler).not.toContain('YIJIAN_JWT_ISSUER');
    }
  });

  it('let anyone invoke the streaming functions through their URL only, and no other function', () => {
    const permissions = ofType('AWS::Lambda::Permission').map(([, r]) => r.Properties);
    const open = permissions.filter((p) => p.Principal === '*');
    expect(open).toHaveLength(2 * streamHandlers.size);
    for (const handler of streamHandlers) {
      const fnArn = { 'Fn::GetAtt': [logicalId(stack.functions.get(handler)!.function), 'Arn'] };
      const own = open.filter((p) => JSON.stringify(p.FunctionName) === JSON.stringify(fnArn));
      expect(own).toEqual(
        expect.arrayContaining([
          { Action: 'lambda:InvokeFunctionUrl', FunctionName: fnArn, Principal: '*', FunctionUrlAuthType: 'NONE' },
          { Action: 'lambda:InvokeFunction', FunctionName: fnArn, Principal: '*', InvokedViaFunctionUrl: true },
        ]),
      );
    }
  });
});

describe('staff user pool', () => {
  const pool = () => {
    const pools = ofType('AWS::Cognito::UserPool');
    expect(pools).toHaveLength(1);
    return pools[0]![1] as Resource;
  };

  it('has no self sign-up, a strong password policy, optional TOTP MFA and email recovery', () => {
    const { Properties: props } = pool();
    expect(props).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      DeletionProtection: 'ACTIVE',
      UserPoolTier: 'ESSENTIALS',
    });
    expect(props.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
  });

  it('is kept when the stack or the resource goes away', () => {
    expect(pool()).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('has the groups office, leader and group:<id> for each supervision group of the directory', () => {
    const poolId = logicalId(stack.staffIdentity.userPool);
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, r]) => r.Properties);
    expect(groups.every((g) => g.UserPoolId.Ref === poolId)).toBe(true);
    const expected = ['office', 'leader', ...demoDirectory.groups.map((g) => `group:${g.id}`)];
    expect(expected).toContain('group:g1');
    expect(groups.map((g) => g.GroupName).sort()).toEqual([...expected].sort());
    expect(staffGroupNames(demoDirectory.groups.map((g) => g.id))).toEqual(expected);
  });

  it('has one app client for the console: public, authorization code grant only, short-lived tokens', () => {
    const clients = ofType('AWS::Cognito::UserPoolClient').map(([, r]) => r.Properties);
    expect(clients).toHaveLength(1);
    const client = clients[0]!;
    expect(client).toMatchObject({
      UserPoolId: { Ref: logicalId(stack.staffIdentity.userPool) },
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      CallbackURLs: [defaultConsoleUrl],
      LogoutURLs: [defaultConsoleUrl],
      SupportedIdentityProviders: ['COGNITO'],
      // No password flows at the client: tokens come from the (PKCE) code grant and its refresh.
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    expect([...client.AllowedOAuthScopes].sort()).toEqual(['email', 'openid', 'profile']);
    const minutes = (value: number, unit: string) => value * ({ minutes: 1, hours: 60, days: 1440 } as Record<string, number>)[unit]!;
    const units = client.TokenValidityUnits;
    expect(minutes(client.AccessTokenValidity, units.AccessToken)).toBe(60);
    expect(minutes(client.IdTokenValidity, units.IdToken)).toBe(60);
    expect(minutes(client.RefreshTokenValidity, units.RefreshToken)).toBe(8 * 60);
    expect(client.AllowedOAuthFlows).not.toContain('implicit');
    expect(client.AllowedOAuthFlows).not.toContain('client_credentials');
  });

  it('outputs the user pool id, the client id, the API URL and each streaming function URL', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.UserPoolId!.Value).toEqual({ Ref: logicalId(stack.staffIdentity.userPool) });
    expect(outputs.UserPoolClientId!.Value).toEqual({ Ref: logicalId(stack.staffIdentity.client) });
    expect(outputs.ApiUrl).toBeDefined();
    for (const [handler, url] of stack.functionUrls) {
      expect(Object.values(outputs).map((o) => o.Value), handler).toContainEqual(stack.resolve(url.url));
    }
    expect(stack.functionUrls.size).toBe(streamHandlers.size);
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
    expect(ids).toEqual(
      new Set(['AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-APIG4', 'AwsSolutions-COG2', 'AwsSolutions-COG8']),
    );
  });
});

describe('stack options', () => {
  // Construct-only checks: bundling is skipped for these stacks (no assets are built).
  const appWithoutBundling = (context: Record<string, unknown> = {}) =>
    new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context } });
  const groupNamesOf = (s: YijianStack) =>
    Object.values(Template.fromStack(s).findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);

  it('take the supervision groups from the context value supervisionGroups', () => {
    const s = new YijianStack(appWithoutBundling({ supervisionGroups: 'north, south' }), 'Groups');
    expect(groupNamesOf(s).sort()).toEqual(['group:north', 'group:south', 'leader', 'office']);
    expect(() => new YijianStack(appWithoutBundling({ supervisionGroups: 'g1,g1' }), 'Twice')).toThrow(/twice/);
    expect(() => new YijianStack(appWithoutBundling({ supervisionGroups: 'g 1' }), 'Bad')).toThrow(/not a directory group id/);
  });

  it('take the console URL from the context value consoleUrl, https only off localhost', () => {
    const url = 'https://yijian.example/console';
    const s = new YijianStack(appWithoutBundling({ consoleUrl: url }), 'Console');
    Template.fromStack(s).hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: [url], LogoutURLs: [url] });
    expect(() => new YijianStack(appWithoutBundling({ consoleUrl: 'http://yijian.example/console' }), 'Plain')).toThrow(
      /must be https/,
    );
  });

  it('refuse local-only routes and handlers serving streaming and non-streaming routes', () => {
    const handler = handlers[0]!;
    const dev: RouteDef = { method: 'POST', path: '/api/dev/token', handler, auth: 'public', access: 'read' };
    expect(() => new YijianStack(appWithoutBundling(), 'Dev', { routes: [...routes, dev] })).toThrow(/local-only/);
    const mixed: RouteDef[] = [
      { method: 'GET', path: '/api/a', handler, auth: 'staff', access: 'read' },
      { method: 'GET', path: '/api/b', handler, auth: 'staff', access: 'read', stream: true },
    ];
    expect(() => new YijianStack(appWithoutBundling(), 'Mixed', { routes: mixed })).toThrow(/streaming and non-streaming/);
  });
});
