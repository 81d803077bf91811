/**
 * The synthesised template against the declarations it is built from (shared/routes.ts,
 * shared/workers.ts, shared/data/table-definition.ts, shared/demo/directory.ts) and against AWS
 * Solutions (cdk-nag) checks. The stack is synthesised once: bundling every function is the slow part.
 * Its web pages are a small fixture folder, so no test depends on a front-end build.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildSync } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableInput } from '../../local/table';
import { tableDefinition } from '../../shared/data/table-definition';
import { demoDirectory } from '../../shared/demo/directory';
import { allowedMethods, challengePath, methodNotAllowedHandler, routeKey, routes, type RouteData, type RouteDef } from '../../shared/routes';
import { counterKey, counterLayoutKey, directoryKey, dueBucketKey, idempotencyKey, itemPk, itemSk, leadingKeyPattern, notificationKey, parkedRecordKey, rateLimitKey, sessionKey, tallyMarkerKey, uploadKey, usedProofKey, type KeySpace } from '../../shared/data/keys';
import { metricNames, metricsNamespace } from '../../shared/observability/metrics';
import { scheduleWorker, streamWorker, tallyWorker } from '../../shared/workers';
import { tableReadActions, tableWriteActions } from '../../infra/bind-table';
import { esbuildOptions, failsOnRequire } from '../../infra/bundling';
import { defaultConsoleUrl, staffGroupNames, staffRouteScopes } from '../../infra/staff-identity';
import { consoleConfigKeys, contentSecurityPolicy, pageRewriteCode, viewerIpCode } from '../../infra/site';
import { originVerifyLength } from '../../infra/origin-verify';
import { defaultStreamConcurrency } from '../../infra/stream-settings';
import { defaultContactRetentionDays, originVerifyEnvName, originVerifyMinLength } from '../../shared/settings';
import { originVerifyHeader, viewerIpHeader } from '../../shared/http/client-address';
import { requiredScope } from '../../shared/http/jwt';
import { defaultMailFrom } from '../../infra/worker-settings';
import { afterSend, maxTotalWaitMs } from '../../shared/data/retry';
import { sesRequestTimeoutMs } from '../../shared/notify/mailer';
import { webhookTimeoutMs } from '../../shared/notify/webhook-sender';
import { notifyTimeout, sesSendActions, streamMaxRecordAge, tallyErrorPeriods, tallyMaxLag, tallyTableAccess, tallyTimeout } from '../../infra/workers';
import { defaultTimeoutSeconds, discardSynthesisBundles, httpApiTimeoutSeconds, YijianFunction } from '../../infra/yijian-function';
import { leaseMs } from '../../shared/data/notifications';
import { uploadLifetimeSeconds } from '../../shared/services/attachments';
import { streamRetentionHours } from '../../shared/workers';
import { attachMemoryMb } from '../../infra/route-functions';
import { bucketGrants } from '../../infra/bind-bucket';
import { uploadExpirationDays } from '../../infra/attachments-bucket';
import { itemObjectPrefix, uploadPrefix } from '../../shared/storage/object-keys';
import { accessLogFields, defaultThrottle, YijianStack } from '../../infra/yijian-stack';

/** The feature flags of cdk.json, so the tested template is the one `cdk synth` makes. */
const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown };

let app: App;
let stack: YijianStack;
let template: Template;
let resources: Record<string, Resource>;
/** A stand-in for web/dist: pages, a hashed asset and the build stamp of local/pages.ts. */
let webDist: string;
/** A stand-in for the sharp layer (npm run sharp-layer): its package.json where the layer has it. */
let sharpLayerDir: string;

const logicalId = (construct: { node: { defaultChild?: unknown } } | CfnElement): string => {
  const element = (('logicalId' in construct ? construct : construct.node.defaultChild) as CfnElement);
  return stack.resolve(element.logicalId) as string;
};
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const handlers = [...new Set(routes.map((route) => route.handler))];
/** The functions that are not routes: the two stream consumers and the scheduled sweeper. */
const workerHandlers: string[] = [streamWorker.handler, tallyWorker.handler, scheduleWorker.handler];
/** The workers that read the table's stream (DynamoDB Streams allow two readers per shard). */
const streamReaders: string[] = [streamWorker.handler, tallyWorker.handler];
/** And the function behind the ANY routes, which answers 405 (functions/method-not-allowed.ts). */
const allHandlers = [...handlers, ...workerHandlers, methodNotAllowedHandler];
/** The functions that attach uploads (and re-encode photos with sharp's layer). */
const attachers = [...new Set(routes.filter((r) => r.bucket?.includes('attach')).map((r) => r.handler))];
/** HTTP APIs cannot stream: these routes are served by their function's URL instead. */
const streamRoutes = routes.filter((route) => route.stream === true);
const apiRoutes = routes.filter((route) => route.stream !== true);
const streamHandlers = new Set(streamRoutes.map((route) => route.handler));
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** The routes of the route table; the ANY routes of the 405 are checked on their own. */
const apiRouteResources = () => ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r).filter((r) => !String(r.Properties.RouteKey).startsWith('ANY '));
const anyRouteResources = () => ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r).filter((r) => String(r.Properties.RouteKey).startsWith('ANY '));
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
  webDist = mkdtempSync(join(tmpdir(), 'yijian-web-dist-'));
  for (const page of ['index.html', 'track.html', 'answers.html', 'session.html', 'console.html', '404.html']) {
    writeFileSync(join(webDist, page), `<!doctype html><title>${page}</title>`);
  }
  mkdirSync(join(webDist, 'assets'));
  writeFileSync(join(webDist, 'assets', 'main-Ab12Cd34.js'), 'console.log(1);\n');
  writeFileSync(join(webDist, '.built'), 'stamp\n');
  sharpLayerDir = mkdtempSync(join(tmpdir(), 'yijian-sharp-layer-'));
  mkdirSync(join(sharpLayerDir, 'nodejs', 'node_modules', 'sharp'), { recursive: true });
  writeFileSync(join(sharpLayerDir, 'nodejs', 'node_modules', 'sharp', 'package.json'), '{"name":"sharp"}\n');
  app = new App({ context: cdkContext });
  stack = new YijianStack(app, 'YijianStack', { webDist, sharpLayerDir });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
  // Bundling ~30 functions, one esbuild run each, is most of it: about a minute on a quiet 2-core
  // machine, over two when other work shares it.
}, 300_000);

afterAll(() => {
  if (webDist) rmSync(webDist, { recursive: true, force: true });
  if (sharpLayerDir) rmSync(sharpLayerDir, { recursive: true, force: true });
  // vitest ends its workers without their exit handlers.
  discardSynthesisBundles();
});

describe('table', () => {
  it('is built from shared/data/table-definition.ts', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    // The same keys, attributes and indexes as the table the local stack and the tests create.
    const local = createTableInput('any');
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: local.KeySchema,
      AttributeDefinitions: Match.arrayEquals(local.AttributeDefinitions),
      GlobalSecondaryIndexes: local.GlobalSecondaryIndexes,
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
  it('are exactly one per handler of the route table, one per worker and the 405\'s, besides the pages\' deployment', () => {
    expect(workerHandlers.filter((worker) => handlers.includes(worker))).toEqual([]);
    const ids = ofType('AWS::Lambda::Function').map(([id]) => id);
    // The CDK-provided BucketDeployment function, which runs only while CloudFormation deploys.
    const deployment = ids.filter((id) => id.startsWith('CustomCDKBucketDeployment'));
    expect(deployment).toHaveLength(1);
    // And the room secret's rotation, which Secrets Manager invokes (infra/room-secret.ts).
    expect(ids).toContain(logicalId(stack.roomSecret.rotation.function));
    expect(ids.length - deployment.length - 1).toBe(allHandlers.length);
    expect([...stack.functions.keys()].sort()).toEqual([...allHandlers].sort());
  });

  it('run on ARM64, the bundling target runtime, with tracing, source maps and TABLE_NAME', () => {
    const runtime = YijianFunction.runtime.name;
    expect(runtime).toBe(`nodejs${esbuildOptions.target.replace('node', '')}.x`);
    expect(Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1])).toBeGreaterThanOrEqual(22);
    const tableId = logicalId(stack.table);
    for (const handler of allHandlers) {
      const fn = stack.functions.get(handler)!;
      const props = resources[logicalId(fn.function)]!.Properties;
      expect(props).toMatchObject({
        Architectures: ['arm64'],
        Runtime: runtime,
        Handler: 'index.handler',
        // Those that re-encode photos have more (Lambda's CPU follows memory: infra/route-functions.ts).
        MemorySize: attachers.includes(handler) ? attachMemoryMb : 512,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalId(fn.logGroup) } },
        Environment: {
          Variables: { TABLE_NAME: { Ref: tableId } },
        },
      });
      // Source maps off at run time: Node would parse each bundle's map at every cold start.
      expect(props.Environment.Variables.NODE_OPTIONS, handler).toBeUndefined();
      // Behind the HTTP API a function must answer within its integration limit (httpApiTimeoutSeconds).
      if (handler === streamWorker.handler) {
        // Longer than a notification claim's lease (shared/data/notifications.ts), under a minute.
        expect(props.Timeout, handler).toBeLessThan(60);
      } else if (handler === tallyWorker.handler) {
        // A batch of tallyWorker.batchSize records with the SDK's retries; a stream consumer is
        // behind no HTTP limit.
        expect(props.Timeout, handler).toBe(tallyTimeout.toSeconds());
        expect(props.Timeout, handler).toBeLessThanOrEqual(15 * 60);
      } else if (handler === scheduleWorker.handler) {
        expect(props.Timeout, handler).toBeLessThan(scheduleWorker.everyMinutes * 60);
      } else if (!streamHandlers.has(handler)) expect(props.Timeout, handler).toBeLessThanOrEqual(29);
      else expect(props.Timeout, handler).toBeLessThanOrEqual(15 * 60);
      expect(resources[logicalId(fn.logGroup)]!.Properties.RetentionInDays).toBeGreaterThan(0);
    }
    // The figures infra/yijian-function.ts states: the HTTP API's quota, and the default well under it.
    expect(httpApiTimeoutSeconds).toBe(30);
    expect(defaultTimeoutSeconds).toBeLessThan(httpApiTimeoutSeconds);
  });
});

describe('function code', () => {
  it('bundles every dependency, the AWS SDK included: nothing is left for the runtime to provide', () => {
    // The deployed code is exactly the tested code (infra/bundling.ts): no external module at all.
    expect(esbuildOptions.external).toEqual([]);
    expect(esbuildOptions).toMatchObject({ format: 'esm', minify: true, mainFields: ['module', 'main'] });
    const assembly = app.synth();
    for (const handler of allHandlers) {
      const hash = (resources[logicalId(stack.functions.get(handler)!.function)]!.Properties.Code.S3Key as string).replace(/\.zip$/, '');
      const folder = join(assembly.directory, `asset.${hash}`);
      // The handler's module and the chunks beside it (infra/bundling.ts: code splitting).
      const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.mjs'));
      expect(files, handler).toContain('index.mjs');
      for (const name of files) {
        const file = join(folder, name);
        // The imports the deployed file makes at run time, as esbuild reads them (not text that looks like one).
        const { metafile } = buildSync({ entryPoints: [file], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', external: ['*'], logLevel: 'silent' });
        const imported = Object.values(metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
        // Only Node's own modules and the bundle's own chunks: a bundled package leaves no import behind.
        const missing = imported.filter((path) => !isBuiltin(path) && !(path.startsWith('.') && existsSync(join(dirname(file), path))));
        expect(missing, `${handler} ${name}`).toEqual([]);
        expect(failsOnRequire(readFileSync(file, 'utf8')), `${handler} ${name}`).toBe(false);
      }
    }
  });
});

describe('the room secret', () => {
  it('is rotated, and only the functions that count clients or issue challenges may read it and know where it is', () => {
    const secretId = logicalId(stack.roomSecret.secret);
    expect(ofType('AWS::SecretsManager::RotationSchedule').map(([, r]) => r.Properties)).toEqual([
      expect.objectContaining({ SecretId: { Ref: secretId }, RotationLambdaARN: { 'Fn::GetAtt': [logicalId(stack.roomSecret.rotation.function), 'Arn'] }, RotationRules: { ScheduleExpression: 'rate(30 days)' } }),
    ]);
    const readers = routes.filter((r) => r.auth === 'public' && (r.access === 'write' || r.path === challengePath)).map((r) => r.handler);
    expect(readers).toContain('get-challenge');
    expect(readers).toContain('create-submission');
    for (const handler of allHandlers) {
      const fn = stack.functions.get(handler)!;
      const env = resources[logicalId(fn.function)]!.Properties.Environment.Variables;
      const policies = JSON.stringify(ofType('AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(logicalId(fn.role))));
      if (readers.includes(handler)) {
        expect(env.YIJIAN_ROOM_SECRET_ARN, handler).toEqual({ Ref: secretId });
        expect(policies, handler).toContain('secretsmanager:GetSecretValue');
      } else {
        expect(env.YIJIAN_ROOM_SECRET_ARN, handler).toBeUndefined();
        expect(policies, handler).not.toContain(secretId);
      }
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

  it('has an ANY route per path of those routes, to the 405 function, without an authorizer', () => {
    const paths = [...allowedMethods(routes).keys()];
    expect(paths.length).toBeGreaterThan(0);
    const anyRoutes = anyRouteResources();
    expect(anyRoutes.map((r) => r.Properties.RouteKey).sort()).toEqual(paths.map((path) => `ANY ${path}`).sort());
    const target = logicalId(stack.functions.get(methodNotAllowedHandler)!.function);
    for (const route of anyRoutes) {
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('NONE');
      const integration = resources[(route.Properties.Target['Fn::Join'][1][1] as { Ref: string }).Ref]!;
      expect(integration.Properties.IntegrationUri, route.Properties.RouteKey).toEqual({ 'Fn::GetAtt': [target, 'Arn'] });
    }
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

  it('are served by a response-streaming function URL that takes only IAM-signed requests, with no CORS, one per streaming function only', () => {
    const urls = ofType('AWS::Lambda::Url').map(([, r]) => r.Properties);
    expect(urls).toHaveLength(streamHandlers.size);
    for (const handler of streamHandlers) {
      const fnId = logicalId(stack.functions.get(handler)!.function);
      const url = urls.find((u) => u.TargetFunctionArn['Fn::GetAtt']?.[0] === fnId);
      expect(url, handler).toEqual({
        TargetFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        AuthType: 'AWS_IAM',
        InvokeMode: 'RESPONSE_STREAM',
      });
    }
  });

  it('give a staff route\'s function the issuer and client id it verifies tokens against, and the routes\' scope', () => {
    // Without these the function would have no token to check against (shared/http/jwt.ts).
    const identity = stack.staffIdentity;
    const staffStreamHandlers = new Set(streamRoutes.filter((r) => r.auth === 'staff').map((r) => r.handler));
    expect(staffStreamHandlers.size).toBeGreaterThan(0);
    for (const handler of staffStreamHandlers) {
      const variables = functionOf(handler).Properties.Environment.Variables;
      expect(variables.YIJIAN_JWT_ISSUER, handler).toEqual({ 'Fn::GetAtt': [logicalId(identity.userPool), 'ProviderURL'] });
      expect(variables.YIJIAN_JWT_CLIENT_ID, handler).toEqual({ Ref: logicalId(identity.client) });
      // Deployed, the JWKS is the pool's own, under its issuer URL: no other source is configured.
      expect(variables.YIJIAN_JWT_JWKS_URI, handler).toBeUndefined();
    }
    // The function requires the scope the API's routes require of the same tokens.
    expect(staffRouteScopes).toEqual([requiredScope]);
    // And the public route that takes a staff token too (POST /api/attachments) verifies it itself.
    const tokenTakers = new Set(routes.filter((r) => r.takesStaffToken).map((r) => r.handler));
    expect(tokenTakers).toEqual(new Set(['create-attachment']));
    for (const handler of tokenTakers) {
      const variables = functionOf(handler).Properties.Environment.Variables;
      expect(variables.YIJIAN_JWT_ISSUER, handler).toEqual({ 'Fn::GetAtt': [logicalId(identity.userPool), 'ProviderURL'] });
      expect(variables.YIJIAN_JWT_CLIENT_ID, handler).toEqual({ Ref: logicalId(identity.client) });
    }
    for (const handler of handlers.filter((h) => !streamHandlers.has(h) && !tokenTakers.has(h))) {
      expect(Object.keys(functionOf(handler).Properties.Environment.Variables), handler).not.toContain('YIJIAN_JWT_ISSUER');
    }
  });

  it('let only this distribution invoke the streaming functions, through their URL, and nobody any other function', () => {
    const permissions = ofType('AWS::Lambda::Permission').map(([, r]) => r.Properties);
    expect(permissions.filter((p) => p.Principal === '*')).toEqual([]);
    const fromCloudFront = permissions.filter((p) => p.Principal === 'cloudfront.amazonaws.com');
    expect(fromCloudFront).toHaveLength(2 * streamHandlers.size);
    const sourceArn = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: logicalId(stack.site.distribution) }]],
    };
    for (const handler of streamHandlers) {
      // The function, named through its URL (the same ARN).
      const fnArn = { 'Fn::GetAtt': [logicalId(stack.functionUrls.get(handler)!), 'FunctionArn'] };
      const own = fromCloudFront.filter((p) => JSON.stringify(p.FunctionName) === JSON.stringify(fnArn));
      expect(own).toEqual(
        expect.arrayContaining([
          { Action: 'lambda:InvokeFunctionUrl', FunctionName: fnArn, Principal: 'cloudfront.amazonaws.com', SourceArn: sourceArn },
          { Action: 'lambda:InvokeFunction', FunctionName: fnArn, Principal: 'cloudfront.amazonaws.com', SourceArn: sourceArn, InvokedViaFunctionUrl: true },
        ]),
      );
    }
    // Every other permission is API Gateway's, for the API's own routes (and the scheduler's, and
    // Secrets Manager's for the room secret's rotation function alone).
    const others = permissions.filter((p) => p.Principal !== 'cloudfront.amazonaws.com');
    expect(new Set(others.map((p) => p.Principal))).toEqual(new Set(['apigateway.amazonaws.com', 'events.amazonaws.com', 'secretsmanager.amazonaws.com']));
    const rotation = { 'Fn::GetAtt': [logicalId(stack.roomSecret.rotation.function), 'Arn'] };
    expect(others.filter((p) => p.Principal === 'secretsmanager.amazonaws.com').map((p) => p.FunctionName)).toEqual([rotation]);
  });

  it(`reserve ${defaultStreamConcurrency} concurrent executions for each streaming function (context exportConcurrency), none for the others`, () => {
    expect(defaultStreamConcurrency).toBeLessThanOrEqual(10);
    for (const handler of allHandlers) {
      expect(functionOf(handler).Properties.ReservedConcurrentExecutions, handler).toBe(streamHandlers.has(handler) ? defaultStreamConcurrency : undefined);
    }
  });
});

describe('staff user pool', () => {
  const pool = () => {
    const pools = ofType('AWS::Cognito::UserPool');
    expect(pools).toHaveLength(1);
    return pools[0]![1] as Resource;
  };

  it('has no self sign-up, a strong password policy, TOTP MFA required of every account (no SMS, no e-mail codes) and email recovery', () => {
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
      // ON: every account must set up and use TOTP; the only factor offered is the authenticator app.
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      DeletionProtection: 'ACTIVE',
      UserPoolTier: 'ESSENTIALS',
    });
    expect(props.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
    // No SMS factor can be turned on without an SNS role: there is none.
    expect(props.SmsConfiguration).toBeUndefined();
  });

  it('is kept when the stack or the resource goes away', () => {
    expect(pool()).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('has the groups office, leader, group:<id> for each supervision group and unit:<id> for each member unit of the directory', () => {
    const poolId = logicalId(stack.staffIdentity.userPool);
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, r]) => r.Properties);
    expect(groups.every((g) => g.UserPoolId.Ref === poolId)).toBe(true);
    const expected = ['office', 'leader', ...demoDirectory.groups.map((g) => `group:${g.id}`)];
    expect(expected).toContain('group:g1');
    expect(groups.map((g) => g.GroupName).sort()).toEqual([...expected].sort());
    // The liaisons' groups, one per member unit, in a nested stack (the main stack's 500 resources).
    const [nested, ...more] = stack.staffIdentity.liaisonStacks;
    expect(more).toEqual([]);
    const liaisons = Object.values(Template.fromStack(nested!).findResources('AWS::Cognito::UserPoolGroup')).map((r) => r.Properties);
    expect(liaisons.map((g) => g.GroupName).sort()).toEqual(demoDirectory.units.map((u) => `unit:${u.id}`).sort());
    expect(liaisons.find((g) => g.GroupName === 'unit:u01')?.Description).toMatch(/rectifications only/);
    expect(ofType('AWS::CloudFormation::Stack')).toHaveLength(1);
    expect(staffGroupNames(demoDirectory.groups.map((g) => g.id), demoDirectory.units.map((u) => u.id))).toEqual([...expected, ...demoDirectory.units.map((u) => `unit:${u.id}`)]);
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

describe('background workers (shared/workers.ts)', () => {
  const single = (type: string) => {
    const found = ofType(type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };
  const notifyId = () => logicalId(stack.workers.notify.function);
  const tallyId = () => logicalId(stack.workers.tally.function);
  const sweepId = () => logicalId(stack.workers.sweep.function);
  const mappingOf = (functionId: string) => {
    const found = ofType('AWS::Lambda::EventSourceMapping').filter(([, r]) => r.Properties.FunctionName?.Ref === functionId);
    expect(found, functionId).toHaveLength(1);
    return found[0]!;
  };
  const queueArn = (queue: typeof stack.workers.notifyFailures) => ({ 'Fn::GetAtt': [logicalId(queue), 'Arn'] });

  it('read the table stream twice, no more: notify and tally (DynamoDB Streams allow two readers per shard)', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    expect(mappings).toHaveLength(2);
    for (const mapping of mappings) expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': [logicalId(stack.table), 'StreamArn'] });
    expect(mappings.map((m) => m.FunctionName.Ref).sort()).toEqual([notifyId(), tallyId()].sort());
    expect(streamReaders.map((h) => logicalId(stack.functions.get(h)!.function)).sort()).toEqual([notifyId(), tallyId()].sort());
  });

  it('feed the table stream to notify retried until handled, with an SQS destination only for records the stream is about to lose', () => {
    const [mappingId, mapping] = mappingOf(notifyId());
    expect(mapping.Properties).toEqual({
      FunctionName: { Ref: notifyId() },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: streamWorker.batchSize,
      // -1: retried until handled; a notice that cannot be sent is kept in the table instead.
      MaximumRetryAttempts: -1,
      // Partial batch responses: the mapping resumes at the first record the function reported.
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: false,
      MaximumRecordAgeInSeconds: streamMaxRecordAge.toSeconds(),
      DestinationConfig: { OnFailure: { Destination: queueArn(stack.workers.notifyFailures) } },
    });
    expect(streamWorker).toMatchObject({ batchSize: 10, maxRetries: Infinity, sendAttempts: 6, reportBatchItemFailures: true });
    // Given up only as the stream is about to lose it (DynamoDB Streams keep a record 24 hours).
    expect(streamMaxRecordAge.toSeconds()).toBe(streamRetentionHours * 3600);
    expect(streamRetentionHours).toBe(24);
    expect(logicalId(stack.workers.streamMapping)).toBe(mappingId);
  });

  it('feed the items\' own records to tally in whole batches, retried without end and never given up', () => {
    const [mappingId, mapping] = mappingOf(tallyId());
    expect(logicalId(stack.workers.tallyMapping)).toBe(mappingId);
    // Exactly these: anything else (a destination, a record age, bisecting, a tumbling window, a
    // batching window) would change what the tally's markers rely on.
    expect(mapping.Properties).toEqual({
      FunctionName: { Ref: tallyId() },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: tallyWorker.batchSize,
      // A failed batch comes back from the record the tally reported (a step's first record, its
      // marker's key), or whole: never halved.
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: false,
      // -1 is infinite: retried until it succeeds, never skipped, however old.
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: -1,
      // One batch at a time per shard: the records of a shard are counted in order.
      ParallelizationFactor: 1,
      FilterCriteria: { Filters: [{ Pattern: expect.any(String) }] },
    });
    expect(tallyWorker).toMatchObject({ batchSize: 100, maxRetries: Infinity, reportBatchItemFailures: true });
    // Nothing is ever given up, so there is nowhere to send it.
    expect(mapping.Properties.DestinationConfig).toBeUndefined();
    // The filter lets through the records of items only: key sk = #ITEM, whatever the event.
    const pattern = mapping.Properties.FilterCriteria.Filters[0].Pattern as string;
    expect(JSON.parse(pattern)).toEqual({ dynamodb: { Keys: { [tableDefinition.sortKey]: { S: [itemSk] } } } });
    expect(pattern).toBe('{"dynamodb":{"Keys":{"sk":{"S":["#ITEM"]}}}}');
  });

  it('acknowledge the stream source\'s ListStreams on "*" for notify and tally alike, on their own policies', () => {
    // The policy also holds X-Ray's "*" (acknowledged by YijianFunction): the reasons for this finding.
    const reasonsOf = (handler: string) =>
      stack.functions
        .get(handler)!
        .role.node.findChild('DefaultPolicy')
        .node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .filter(([id]) => id.replace(/^annotation::/i, '') === 'AwsSolutions-IAM5[Resource::*]')
        .map(([, reason]) => reason);
    const listStreams = (handler: string) => reasonsOf(handler).filter((reason) => reason.includes('dynamodb:ListStreams'));
    expect(listStreams(streamWorker.handler)).toHaveLength(1);
    expect(listStreams(tallyWorker.handler)).toEqual(listStreams(streamWorker.handler));
    expect(listStreams(scheduleWorker.handler)).toEqual([]);
  });

  it('keep failures on encrypted, TLS-only queues for 14 days', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.map(([id]) => id).sort()).toEqual(
      [logicalId(stack.workers.notifyFailures), logicalId(stack.workers.sweepFailures)].sort(),
    );
    const policies = ofType('AWS::SQS::QueuePolicy').map(([, r]) => r.Properties);
    for (const [id, queue] of queues) {
      expect(queue.Properties, id).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
      const policy = policies.find((p) => p.Queues.some((q: any) => q.Ref === id))!;
      expect(policy.PolicyDocument.Statement, id).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('raise an alarm on the encrypted alarm topic as soon as a failure queue is not empty', () => {
    const topicId = logicalId(stack.workers.alarmTopic);
    const topic = resources[topicId]!;
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    const key = resources[topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0]]!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    // CloudWatch must be able to use the key to publish to the encrypted topic.
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    );
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // No alarmEmail in the context: no subscription.
    template.resourceCountIs('AWS::SNS::Subscription', 0);

    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    // Two on the failure queues, two on the tally (which has no failure queue), notify's lag, one
    // on parked records, one on kept notices.
    expect(alarms).toHaveLength(7);
    for (const queue of [stack.workers.notifyFailures, stack.workers.sweepFailures]) {
      const alarm = alarms.find((a) => a.Dimensions?.[0]?.Value?.['Fn::GetAtt']?.[0] === logicalId(queue))!;
      expect(alarm, logicalId(queue)).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Period: 300,
        AlarmActions: [{ Ref: topicId }],
      });
    }
  });

  it('raise an alarm on the alarm topic when the tally falls behind the items, and when it keeps failing', () => {
    const topicId = logicalId(stack.workers.alarmTopic);
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    const ofTally = alarms.filter((a) => a.Namespace === 'AWS/Lambda' && a.Dimensions[0].Value.Ref === tallyId());
    expect(ofTally).toHaveLength(2);
    const lag = ofTally.find((a) => a.MetricName === 'IteratorAge')!;
    expect(lag).toEqual({
      AlarmDescription: expect.stringMatching(/^yijian tally: the dashboard's counters are falling behind the items: /),
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: tallyId() } }],
      Statistic: 'Maximum',
      Period: 300,
      // Milliseconds: five minutes.
      Threshold: 5 * 60 * 1000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      // No item changes, no invocations, no data points: not a lag.
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
    expect(tallyMaxLag.toMilliseconds()).toBe(lag.Threshold);
    const errors = ofTally.find((a) => a.MetricName === 'Errors')!;
    expect(errors).toEqual({
      AlarmDescription: expect.stringContaining("the dashboard's counters"),
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: tallyId() } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      // Three consecutive five-minute periods with errors: a batch that keeps failing.
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
    expect(tallyErrorPeriods).toBe(3);
    for (const alarm of [lag, errors]) expect(alarm.AlarmDescription.length).toBeGreaterThan(100);
    expect([stack.workers.tallyLagAlarm, stack.workers.tallyErrorsAlarm, stack.workers.notifyLagAlarm].map((a) => logicalId(a)).sort()).toEqual(
      ofType('AWS::CloudWatch::Alarm')
        .filter(([, r]) => r.Properties.Namespace === 'AWS/Lambda')
        .map(([id]) => id)
        .sort(),
    );
  });

  it('raise an alarm on the alarm topic when notify falls behind the changes (it retries a record until handled)', () => {
    const lag = ofType('AWS::CloudWatch::Alarm').find(([id]) => id === logicalId(stack.workers.notifyLagAlarm))![1].Properties;
    expect(lag).toEqual({
      AlarmDescription: expect.stringMatching(/^yijian notify: e-mails are falling behind/),
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: notifyId() } }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: tallyMaxLag.toMilliseconds(),
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(stack.workers.alarmTopic) }],
    });
  });

  it('raise an alarm on the alarm topic while any notice is kept unsent, from the first one kept', () => {
    const kept = ofType('AWS::CloudWatch::Alarm').find(([id]) => id === logicalId(stack.workers.keptNoticesAlarm))![1].Properties;
    expect(kept).toEqual({
      AlarmDescription: expect.stringContaining('GET /api/admin/notices'),
      Namespace: 'Yijian',
      // 1 from notify when it keeps one; the number kept from every sweep (0 included).
      MetricName: metricNames.keptNotices,
      Dimensions: [{ Name: 'service', Value: 'yijian' }],
      Statistic: 'Maximum',
      Period: scheduleWorker.everyMinutes * 60,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(stack.workers.alarmTopic) }],
    });
  });

  it('raise an alarm on the alarm topic when a stream worker parks a record it cannot handle', () => {
    const topicId = logicalId(stack.workers.alarmTopic);
    const parked = ofType('AWS::CloudWatch::Alarm').filter(([, r]) => r.Properties.Namespace === metricsNamespace && r.Properties.MetricName === metricNames.parkedRecords);
    expect(parked.map(([id]) => id)).toEqual([logicalId(stack.workers.parkedRecordsAlarm)]);
    expect(parked[0][1].Properties).toEqual({
      AlarmDescription: expect.stringContaining('set aside'),
      Namespace: 'Yijian',
      // The count the workers emit with Powertools (EMF), with the dimension Powertools adds.
      MetricName: metricNames.parkedRecords,
      Dimensions: [{ Name: 'service', Value: 'yijian' }],
      Statistic: 'Sum',
      Period: 300,
      // The first parked record raises it.
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it(`run sweep every ${scheduleWorker.everyMinutes} minutes with retries, a dead-letter queue and an on-failure destination`, () => {
    const [ruleId, rule] = single('AWS::Events::Rule');
    expect(rule.Properties.ScheduleExpression).toBe(`rate(${scheduleWorker.everyMinutes} minutes)`);
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [sweepId(), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: scheduleWorker.everyMinutes * 60 },
        DeadLetterConfig: { Arn: queueArn(stack.workers.sweepFailures) },
      }),
    ]);
    const permissions = ofType('AWS::Lambda::Permission').map(([, r]) => r.Properties);
    expect(permissions).toContainEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [sweepId(), 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
    const [, invokeConfig] = single('AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig.Properties).toMatchObject({
      FunctionName: { Ref: sweepId() },
      DestinationConfig: { OnFailure: { Destination: queueArn(stack.workers.sweepFailures) } },
    });
  });

  it('let notify send through SES v2 as the sender identity only', () => {
    const ses = rolePolicies(streamWorker.handler).statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(asArray(ses[0]!.Action)).toEqual(['ses:SendEmail']);
    expect(ses[0]!.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/yijian.example']],
    });
    expect(JSON.stringify(ses[0]!.Resource)).not.toContain('*');
    for (const handler of allHandlers.filter((h) => h !== streamWorker.handler)) {
      const actions = rolePolicies(handler).statements.flatMap((s) => asArray(s.Action));
      expect(actions.filter((a) => a.startsWith('ses:')), handler).toEqual([]);
    }
    // The identity is not created unless asked for (createSesIdentity).
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  it('give notify its sender and public URL (the site, without context publicUrl), and sweep its auto-close and contact retention days', () => {
    expect(functionOf(streamWorker.handler).Properties.Environment.Variables).toMatchObject({
      TABLE_NAME: { Ref: logicalId(stack.table) },
      YIJIAN_MAIL_FROM: defaultMailFrom,
      YIJIAN_PUBLIC_URL: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.site.distribution), 'DomainName'] }]] },
    });
    expect(functionOf(scheduleWorker.handler).Properties.Environment.Variables).toMatchObject({
      TABLE_NAME: { Ref: logicalId(stack.table) },
      YIJIAN_AUTO_CLOSE_DAYS: '7',
      // Personal-information minimisation (#14 point 18): contact details go 180 days after an item ended.
      YIJIAN_CONTACT_RETENTION_DAYS: String(defaultContactRetentionDays),
    });
    expect(defaultContactRetentionDays).toBe(180);
    expect(functionOf(streamWorker.handler).Properties.Timeout).toBe(notifyTimeout.toSeconds());
    // A send and the retries that mark it sent end before notify's timeout: a timed-out invocation
    // would leave the claim `sending`, and the retry after its lease would send the message twice.
    expect(sesRequestTimeoutMs + maxTotalWaitMs(afterSend)).toBeLessThan(notifyTimeout.toMilliseconds());
    expect(webhookTimeoutMs + maxTotalWaitMs(afterSend)).toBeLessThan(notifyTimeout.toMilliseconds());
    // A retry after a timed-out invocation finds the claim's lease over (infra/notify-worker.ts).
    expect(notifyTimeout.toMilliseconds()).toBeGreaterThan(leaseMs);
    for (const handler of [...handlers, tallyWorker.handler]) {
      const names = Object.keys(functionOf(handler).Properties.Environment.Variables);
      expect(names.filter((n) => /MAIL|PUBLIC_URL|AUTO_CLOSE|RETENTION/.test(n)), handler).toEqual([]);
    }
    // The tally needs the table and nothing else.
    expect(Object.keys(functionOf(tallyWorker.handler).Properties.Environment.Variables).sort()).toEqual(
      ['POWERTOOLS_SERVICE_NAME', 'TABLE_NAME'],
    );
  });
});

describe('site (web pages behind CloudFront)', () => {
  const distribution = () => {
    const found = ofType('AWS::CloudFront::Distribution');
    expect(found).toHaveLength(1);
    return found[0]![1].Properties.DistributionConfig;
  };
  const originOf = (behavior: { TargetOriginId: string }) =>
    (distribution().Origins as any[]).find((o) => o.Id === behavior.TargetOriginId)!;
  const behaviorFor = (pattern: string) => (distribution().CacheBehaviors as any[]).find((b) => b.PathPattern === pattern)!;
  /** Managed policies (aws-cdk-lib CachePolicy / OriginRequestPolicy ids). */
  const cachingOptimized = '658327ea-f89d-4fab-a63d-7e88639e58f6';
  const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
  const allViewerExceptHost = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
  const deployments = () => ofType('Custom::CDKBucketDeployment').map(([id, r]) => [id, r.Properties] as const);
  const siteBucketRef = () => ({ Ref: logicalId(stack.site.bucket) });
  const streamPattern = (path: string) => path.replace(/\{[^}]+\}/g, '*');

  it('keeps the pages in a private, encrypted, versioned, TLS-only bucket with access logs, kept on deletion', () => {
    const bucket = resources[logicalId(stack.site.bucket)]!;
    expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.site.logBucket) } },
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    expect(resources[logicalId(stack.site.logBucket)]).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  it('lets CloudFront read the bucket through origin access control only, for this distribution only', () => {
    const [, policy] = ofType('AWS::S3::BucketPolicy').find(([, r]) => JSON.stringify(r.Properties.Bucket) === JSON.stringify(siteBucketRef()))!;
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack.site.bucket), 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: logicalId(stack.site.distribution) }]],
            },
          },
        },
      },
    ]);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));

    // One origin access control for the bucket, and one per streaming function URL (streaming routes).
    const s3Controls = ofType('AWS::CloudFront::OriginAccessControl').filter(([, r]) => r.Properties.OriginAccessControlConfig.OriginAccessControlOriginType === 's3');
    expect(s3Controls).toHaveLength(1);
    const [oacId, oac] = s3Controls[0]!;
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    const s3Origin = originOf(distribution().DefaultCacheBehavior);
    expect(s3Origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [logicalId(stack.site.bucket), 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  it('serves the pages by default: HTTPS, compressed, cached, /track, /console and /s/<code> rewritten to their pages', () => {
    const config = distribution();
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      Compress: true,
      CachePolicyId: cachingOptimized,
      FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [logicalId(stack.site.pageRewrite), 'FunctionARN'] } }],
    });
    // No distribution-wide error pages: they would replace the API's 403 and 404 problem documents.
    expect(config.CustomErrorResponses).toBeUndefined();
    const fn = resources[logicalId(stack.site.pageRewrite)]!.Properties;
    expect(fn.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.FunctionCode).toBe(pageRewriteCode);

    const handler = new Function(`${pageRewriteCode}\nreturn handler;`)() as (event: unknown) => any;
    const run = (uri: string) => handler({ request: { uri, method: 'GET', querystring: {}, headers: {} } });
    expect(run('/track').uri).toBe('/track.html');
    expect(run('/answers').uri).toBe('/answers.html');
    expect(run('/console').uri).toBe('/console.html');
    expect(run('/').uri).toBe('/');
    expect(run('/assets/main-Ab12Cd34.js').uri).toBe('/assets/main-Ab12Cd34.js');
    expect(run('/config.json').uri).toBe('/config.json');
    // The console's sign-in returns to its own URL: one spelling only.
    expect(run('/console/')).toEqual({ statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/console' } } });
    expect(run('/track/').statusCode).toBe(301);
    // A session's page: one code segment; its join key is in the fragment, which never arrives.
    expect(run('/s/PX-AB12-CD34').uri).toBe('/session.html');
    expect(run('/s/px-ab12-cd34/').uri).toBe('/session.html');
    expect(run('/s/').uri).toBe('/s/');
    expect(run('/s/PX-AB12-CD34/x').uri).toBe('/s/PX-AB12-CD34/x');
    expect(run('/s/../index.html').uri).toBe('/s/../index.html');
  });

  it('routes /api/* to the HTTP API: HTTPS only, never cached, every method, every viewer header but Host', () => {
    const api = behaviorFor('/api/*');
    expect(api).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: cachingDisabled,
      // Passes every viewer header but Host: Authorization, and the header viewerIp sets.
      OriginRequestPolicyId: allViewerExceptHost,
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
    });
    expect(originOf(api)).toMatchObject({
      DomainName: { 'Fn::Join': ['', [{ Ref: logicalId(stack.api) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
  });

  describe('tells the API who the viewer is, in a way only it can (shared/http/client-address.ts)', () => {
    /** The origin secret as CloudFormation resolves it while deploying: a reference, never the value. */
    const secretReference = () => ({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalId(stack.originVerify.secret) }, ':SecretString:::}}']],
    });

    it('sets the viewer\'s IP address on every /api/* request, replacing whatever the viewer sent', () => {
      expect(behaviorFor('/api/*').FunctionAssociations).toEqual([
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [logicalId(stack.site.viewerIp), 'FunctionARN'] } },
      ]);
      const fn = resources[logicalId(stack.site.viewerIp)]!.Properties;
      expect(fn.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
      expect(fn.FunctionCode).toBe(viewerIpCode);
      const handler = new Function(`${viewerIpCode}\nreturn handler;`)() as (event: unknown) => any;
      const run = (ip: string, headers: Record<string, { value: string }> = {}) =>
        handler({ viewer: { ip }, request: { uri: '/api/submissions', method: 'POST', querystring: {}, headers } });
      const forged = run('198.51.100.7', { [viewerIpHeader]: { value: '203.0.113.1' }, accept: { value: '*/*' } });
      expect(forged.headers).toEqual({ [viewerIpHeader]: { value: '198.51.100.7' }, accept: { value: '*/*' } });
      expect(forged.uri).toBe('/api/submissions');
      expect(run('2001:db8::7').headers[viewerIpHeader]).toEqual({ value: '2001:db8::7' });
      // Pages and exports need no viewer address.
      expect(distribution().DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
      for (const route of streamRoutes) expect(behaviorFor(streamPattern(route.path)).FunctionAssociations, routeKey(route)).toBeUndefined();
    });

    it('sends the API origin, and no other, the origin secret as X-Origin-Verify', () => {
      expect(originOf(behaviorFor('/api/*')).OriginCustomHeaders).toEqual([{ HeaderName: originVerifyHeader, HeaderValue: secretReference() }]);
      const others = (distribution().Origins as any[]).filter((o) => o.Id !== behaviorFor('/api/*').TargetOriginId);
      expect(others.length).toBeGreaterThan(0);
      for (const origin of others) expect(origin.OriginCustomHeaders, origin.Id).toBeUndefined();
    });

    it('generates the secret in Secrets Manager at deploy time: letters and digits, long enough, never in the template', () => {
      // The room secret is the other one (its own test, below).
      const secrets = ofType('AWS::SecretsManager::Secret').filter(([id]) => id !== logicalId(stack.roomSecret.secret));
      expect(secrets.map(([id]) => id)).toEqual([logicalId(stack.originVerify.secret)]);
      expect(secrets[0]![1].Properties.GenerateSecretString).toEqual({ PasswordLength: originVerifyLength, ExcludePunctuation: true, IncludeSpace: false });
      expect(originVerifyLength).toBeGreaterThanOrEqual(originVerifyMinLength);
      expect(secrets[0]![1].Properties.SecretString).toBeUndefined();
      // Filled by CloudFormation, not read by the functions at run time: no function may read it.
      for (const handler of allHandlers) {
        expect(JSON.stringify(rolePolicies(handler).statements), handler).not.toContain(logicalId(stack.originVerify.secret));
      }
    });

    it('gives the secret to the functions that rate limit (the public writes) and to no other function', () => {
      const publicWrites = new Set(routes.filter((r) => r.auth === 'public' && r.access === 'write').map((r) => r.handler));
      expect([...publicWrites].sort()).toEqual(['create-attachment', 'create-follow-up', 'create-submission', 'rate-session', 'rate-submission']);
      for (const handler of allHandlers) {
        const variables = functionOf(handler).Properties.Environment.Variables as Record<string, unknown>;
        if (publicWrites.has(handler)) expect(variables[originVerifyEnvName], handler).toEqual(secretReference());
        else expect(variables[originVerifyEnvName], handler).toBeUndefined();
      }
      // Nor the CDK-provided deployment function.
      const withSecret = ofType('AWS::Lambda::Function').filter(([, r]) => JSON.stringify(r.Properties).includes('secretsmanager'));
      expect(withSecret.map(([id]) => id).sort()).toEqual([...publicWrites].map((h) => logicalId(stack.functions.get(h)!.function)).sort());
    });
  });

  it('routes each streaming route (/api/exports/...) to its function URL, ahead of /api/*', () => {
    const patterns = (distribution().CacheBehaviors as any[]).map((b) => b.PathPattern);
    expect(patterns.at(-1)).toBe('/api/*');
    expect(patterns).toHaveLength(streamRoutes.length + 1);
    for (const route of streamRoutes) {
      expect(route.path.startsWith('/api/exports/'), routeKey(route)).toBe(true);
      const behavior = behaviorFor(streamPattern(route.path));
      expect(behavior, routeKey(route)).toMatchObject({
        ViewerProtocolPolicy: 'https-only',
        CachePolicyId: cachingDisabled,
        // With caching disabled this policy passes every viewer header: X-Yijian-Authorization, whose token the function verifies.
        OriginRequestPolicyId: allViewerExceptHost,
        AllowedMethods: ['GET', 'HEAD'],
      });
      const url = stack.functionUrls.get(route.handler)!;
      expect(originOf(behavior)).toMatchObject({
        DomainName: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [logicalId(url), 'FunctionUrl'] }] }] },
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      });
      // Origin access control for Lambda: CloudFront signs every request (SigV4, always).
      const oacId = originOf(behavior).OriginAccessControlId['Fn::GetAtt'];
      expect(oacId[1]).toBe('Id');
      expect(resources[oacId[0]]!.Properties.OriginAccessControlConfig).toMatchObject({
        OriginAccessControlOriginType: 'lambda',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      });
    }
  });

  it('sends a strict Content-Security-Policy and the other security headers on every path', () => {
    const policyId = logicalId(stack.site.responseHeaders);
    const config = distribution();
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behavior.ResponseHeadersPolicyId, behavior.PathPattern ?? 'default').toEqual({ Ref: policyId });
    }
    const headers = resources[policyId]!.Properties.ResponseHeadersPolicyConfig;
    const csp = headers.SecurityHeadersConfig.ContentSecurityPolicy;
    expect(csp.Override).toBe(true);
    const text = JSON.stringify(csp.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data: blob: https://yijian-att-",
      "connect-src 'self' https://cognito-idp.",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ]) {
      expect(text).toContain(directive);
    }
    expect(text).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(contentSecurityPolicy([])).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    // The attachments bucket's own origin, by its name, in img-src and connect-src (uploads, signed files).
    expect(contentSecurityPolicy([], 'https://b.s3.r.amazonaws.com')).toContain("connect-src 'self' https://b.s3.r.amazonaws.com;");
    expect(text).toMatch(/connect-src 'self' https:\/\/cognito-idp\.[^;]* https:\/\/yijian-att-/);
    expect(headers.SecurityHeadersConfig).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: expect.any(Number), IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
    expect(headers.SecurityHeadersConfig.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(365 * 86400);
    expect(headers.CustomHeadersConfig.Items).toContainEqual(expect.objectContaining({ Header: 'Permissions-Policy', Override: true }));
  });

  it('deploys the built pages: hashed assets cached for a year and never pruned, pages revalidated and pruned', () => {
    const assets = deployments().find(([id]) => id === logicalId(stack.site.assetsDeployment!.node.findChild('CustomResource').node.defaultChild as CfnElement));
    const pages = deployments().find(([id]) => id === logicalId(stack.site.pagesDeployment.node.findChild('CustomResource').node.defaultChild as CfnElement));
    expect(assets?.[1]).toMatchObject({
      DestinationBucketName: siteBucketRef(),
      DestinationBucketKeyPrefix: 'assets/',
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(pages?.[1]).toMatchObject({
      DestinationBucketName: siteBucketRef(),
      Prune: true,
      // Pruning leaves what the other deployments own.
      Exclude: ['assets/*', ...consoleConfigKeys],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { Ref: logicalId(stack.site.distribution) },
      DistributionPaths: ['/*'],
    });
    expect(resources[pages![0]]!).toMatchObject({ DependsOn: expect.arrayContaining([assets![0]]) });
    // The pages come from the given folder, without assets/ (deployed apart) or dotfiles (the build stamp).
    expect(stack.site.usesPlaceholder).toBe(false);
    const assembly = app.synth();
    const stagedFiles = (deployment: readonly [string, Record<string, any>]) => {
      const hash = (deployment[1].SourceObjectKeys[0] as string).replace(/\.zip$/, '');
      return readdirSync(join(assembly.directory, `asset.${hash}`)).sort();
    };
    expect(stagedFiles(pages!)).toEqual(['404.html', 'answers.html', 'console.html', 'index.html', 'session.html', 'track.html']);
    expect(stagedFiles(assets!)).toEqual(['main-Ab12Cd34.js']);
  });

  it('publishes the console\'s Cognito settings as /config.json, never cached', () => {
    const config = deployments().find(([id]) => id === logicalId(stack.site.configDeployment.node.findChild('CustomResource').node.defaultChild as CfnElement))!;
    expect(config[1]).toMatchObject({
      DestinationBucketName: siteBucketRef(),
      Prune: false,
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionPaths: consoleConfigKeys.map((key) => `/${key}`),
    });
    expect(consoleConfigKeys).toContain('config.json');
    const assembly = app.synth();
    consoleConfigKeys.forEach((key, index) => {
      const hash = (config[1].SourceObjectKeys[index] as string).replace(/\.zip$/, '');
      const raw = readFileSync(join(assembly.directory, `asset.${hash}`, key), 'utf8');
      // Deploy-time values are markers the deployment function replaces.
      const markers = config[1].SourceMarkers[index] as Record<string, unknown>;
      const document = JSON.parse(raw, (_, value) => (typeof value === 'string' && value in markers ? markers[value] : value));
      expect(document, key).toEqual({
        region: { Ref: 'AWS::Region' },
        userPoolId: { Ref: logicalId(stack.staffIdentity.userPool) },
        clientId: { Ref: logicalId(stack.staffIdentity.client) },
        // No cognitoDomainPrefix in the context: no domain, hence no managed login to configure.
        cognitoDomain: null,
        apiBase: '/api',
      });
    });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
  });

  it('outputs the site and console URLs', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const domain = { 'Fn::GetAtt': [logicalId(stack.site.distribution), 'DomainName'] };
    expect(outputs.SiteUrl!.Value).toEqual({ 'Fn::Join': ['', ['https://', domain]] });
    expect(outputs.ConsoleUrl!.Value).toEqual({ 'Fn::Join': ['', ['https://', domain, '/console']] });
  });

  it('warns, at synth, that staff cannot sign in until cognitoDomainPrefix and consoleUrl are set', () => {
    Annotations.fromStack(stack).hasWarning('/YijianStack', Match.stringLikeRegexp('cognitoDomainPrefix.*consoleUrl'));
  });
});

describe('least privilege', () => {
  const writeActions = new Set<string>(tableWriteActions);
  const readActions = new Set<string>(tableReadActions);
  /**
   * The workers write: notification claims (notify), sweeper changes (sweep), and the tally its
   * counters, with exactly the item actions it uses (infra/tally-worker.ts says which and why).
   */
  const access = (handler: string) =>
    handler === tallyWorker.handler
      ? 'exact'
      : workerHandlers.includes(handler) || routes.some((r) => r.handler === handler && r.access === 'write')
        ? 'write'
        : 'read';
  /** What a stream event source grants its function on the table's stream (ListStreams takes no resource). */
  const streamActions = new Set(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']);
  /** What the tally does to the table: marker reads, the counter Query, its transactions, emptied due buckets' deletes. */
  const tallyActions = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];

  it('grants read-only functions no write action and write functions only item actions', () => {
    for (const handler of allHandlers) {
      const actions = rolePolicies(handler).statements.flatMap((s) => asArray(s.Action));
      const dynamo = actions.filter((a) => a.startsWith('dynamodb:') && !(streamReaders.includes(handler) && streamActions.has(a)));
      expect(dynamo.every((a) => readActions.has(a) || writeActions.has(a)), `${handler}: ${dynamo}`).toBe(true);
      const writes = dynamo.filter((a) => writeActions.has(a));
      if (access(handler) === 'read') expect(writes, handler).toEqual([]);
      else if (access(handler) === 'write') expect(new Set(writes), handler).toEqual(writeActions);
      else expect([...new Set(dynamo)].sort(), handler).toEqual(tallyActions);
      expect(actions.filter((a) => a.includes('*')), handler).toEqual([]);
    }
  });

  it('grants the tally its item actions on the table itself: no index, no batch read or write, no condition check, no scan', () => {
    expect([...tallyTableAccess.only].sort()).toEqual(tallyActions);
    const tableArn = { 'Fn::GetAtt': [logicalId(stack.table), 'Arn'] };
    const onTable = rolePolicies(tallyWorker.handler).statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:') && !streamActions.has(a)));
    expect(onTable.map((s) => s.Resource)).toEqual([tableArn, tableArn]);
    expect(onTable.flatMap((s) => asArray(s.Action)).sort()).toEqual(tallyActions);
    const all = rolePolicies(tallyWorker.handler).statements.flatMap((s) => asArray(s.Action));
    for (const action of ['dynamodb:Scan', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem']) {
      expect(all, action).not.toContain(action);
    }
    expect(JSON.stringify(rolePolicies(tallyWorker.handler).statements)).not.toContain('/index/');
  });

  it('reaches nothing but the table, its named indexes, the own log group and X-Ray (and each worker its own extras)', () => {
    const tableArn = { 'Fn::GetAtt': [logicalId(stack.table), 'Arn'] };
    const tableResources = [
      tableArn,
      ...tableDefinition.globalSecondaryIndexes.map((index) => ({
        'Fn::Join': ['', [tableArn, `/index/${index.name}`]],
      })),
    ];
    const workers = stack.workers;
    const queueArn = (queue: typeof workers.notifyFailures) => ({ 'Fn::GetAtt': [logicalId(queue), 'Arn'] });
    const streamRead = {
      resource: { 'Fn::GetAtt': [logicalId(stack.table), 'StreamArn'] },
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
    };
    const extras: Record<string, { resource: unknown; actions: string[] }[]> = {
      [streamWorker.handler]: [
        streamRead,
        { resource: queueArn(workers.notifyFailures), actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'] },
        { resource: stack.resolve(workers.sesIdentityArn), actions: [...sesSendActions] },
      ],
      // No queue, no mail: the stream in, the table out.
      [tallyWorker.handler]: [streamRead],
      [scheduleWorker.handler]: [
        { resource: queueArn(workers.sweepFailures), actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'] },
      ],
    };
    // The room secret, for the functions that count clients or issue challenges (its own test, above).
    const roomSecretRead = { resource: { Ref: logicalId(stack.roomSecret.secret) }, actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'] };
    for (const route of routes) if (route.auth === 'public' && (route.access === 'write' || route.path === challengePath)) (extras[route.handler] ??= []).push(roomSecretRead);
    // The attachments bucket, by prefix, for the functions whose routes use it (its own test, below).
    const bucketArn = { 'Fn::GetAtt': [logicalId(stack.attachments), 'Arn'] };
    for (const handler of new Set(routes.flatMap((r) => (r.bucket?.length ? [r.handler] : [])))) {
      const uses = routes.filter((r) => r.handler === handler).flatMap((r) => r.bucket ?? []);
      for (const prefix of [uploadPrefix, itemObjectPrefix]) {
        const actions = [...new Set(uses.flatMap((use) => bucketGrants[use].filter((g) => g.prefix === prefix).flatMap((g) => g.actions)))].sort();
        if (actions.length) (extras[handler] ??= []).push({ resource: { 'Fn::Join': ['', [bucketArn, `/${prefix}*`]] }, actions });
      }
    }
    const xray = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
    for (const handler of allHandlers) {
      const { statements, managed } = rolePolicies(handler);
      expect(managed, `${handler} has managed policies`).toEqual([]);
      const ownLogs = { 'Fn::GetAtt': [logicalId(stack.functions.get(handler)!.logGroup), 'Arn'] };
      // ListStreams has no resource-level permissions; the event source mappings of notify and tally need it.
      const wildcardActions = streamReaders.includes(handler) ? [...xray, 'dynamodb:ListStreams'] : xray;
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        const actions = asArray(statement.Action);
        for (const resource of asArray(statement.Resource)) {
          if (resource === '*') {
            expect(actions.every((a) => wildcardActions.includes(a)), `${handler}: wildcard resource for ${actions}`).toBe(true);
          } else if (actions.every((a) => a.startsWith('logs:'))) {
            expect(resource).toEqual(ownLogs);
          } else if (actions.every((a) => a.startsWith('dynamodb:')) && tableResources.some((r) => JSON.stringify(r) === JSON.stringify(resource))) {
            continue;
          } else {
            const extra = (extras[handler] ?? []).find((e) => JSON.stringify(e.resource) === JSON.stringify(resource));
            expect(extra, `${handler}: ${JSON.stringify(resource)}`).toBeDefined();
            expect([...actions].sort(), `${handler}: ${JSON.stringify(resource)}`).toEqual(extra!.actions);
          }
        }
      }
      const wildcards = statements.filter((s) => asArray(s.Resource).includes('*')).flatMap((s) => asArray(s.Action));
      expect(new Set(wildcards), handler).toEqual(new Set(wildcardActions));
    }
  });
});

describe('least privilege by key (dynamodb:LeadingKeys)', () => {
  const workerData: Record<string, RouteData> = {
    [streamWorker.handler]: streamWorker.data,
    [tallyWorker.handler]: tallyWorker.data,
    [scheduleWorker.handler]: scheduleWorker.data,
  };
  /** What a handler declares: the union over its routes, or its worker's declaration. */
  const declared = (handler: string) => {
    const data = workerData[handler] ? [workerData[handler]] : routes.filter((r) => r.handler === handler).map((r) => r.data);
    const union = (pick: (d: RouteData) => readonly string[] | undefined) => [...new Set(data.flatMap((d) => pick(d) ?? []))];
    return { read: union((d) => d.read) as KeySpace[], write: union((d) => d.write) as KeySpace[], indexes: union((d) => d.indexes) };
  };
  const patterns = (spaces: readonly KeySpace[]) => [...new Set(spaces)].map(leadingKeyPattern).sort();
  const tableArn = () => ({ 'Fn::GetAtt': [logicalId(stack.table), 'Arn'] });
  const onTable = (handler: string) =>
    rolePolicies(handler).statements.filter((st) => asArray(st.Resource).some((r) => JSON.stringify(r) === JSON.stringify(tableArn())));
  const leadingKeys = (statement: Statement): string[] | undefined =>
    (statement as Statement & { Condition?: Record<string, Record<string, unknown>> }).Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as
      | string[]
      | undefined;
  /** IAM StringLike: `*` any run of characters, `?` any one character, the rest literal. */
  const stringLike = (pattern: string, value: string) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);
  const writablePks = (handler: string) => onTable(handler).filter((st) => asArray(st.Action).some((a) => writeActions.has(a))).flatMap((st) => leadingKeys(st) ?? []);
  const writeActions = new Set<string>(tableWriteActions);

  it('conditions every statement on the table, of every function, on the partitions its route or worker declares', () => {
    for (const handler of allHandlers) {
      const { read, write } = declared(handler);
      const statements = onTable(handler);
      // A function that declares no key space (the OpenAPI document's) gets no access to the table at all.
      if (read.length + write.length === 0) expect(statements, handler).toEqual([]);
      else expect(statements.length, handler).toBeGreaterThan(0);
      for (const statement of statements) {
        const keys = leadingKeys(statement);
        expect(keys, `${handler} ${statement.Sid}: no LeadingKeys condition`).toBeDefined();
        expect(Object.keys((statement as any).Condition), handler).toEqual(['ForAllValues:StringLike']);
        const writes = asArray(statement.Action).some((a) => writeActions.has(a));
        // The tally's reads are of its own partitions only (markers, counters, due buckets).
        const expected = writes || handler === tallyWorker.handler ? patterns(write) : patterns([...read, ...write]);
        expect([...keys!].sort(), `${handler} ${statement.Sid}`).toEqual(expected);
      }
      if (write.length > 0) expect(writablePks(handler).length, `${handler} writes nowhere`).toBeGreaterThan(0);
    }
  });

  it('lets a function query exactly the indexes it declares, no other', () => {
    for (const handler of allHandlers) {
      const onIndexes = rolePolicies(handler).statements.filter((st) => JSON.stringify(st.Resource).includes('/index/'));
      const resources = onIndexes.flatMap((st) => asArray(st.Resource)).map((r) => JSON.stringify(r));
      const expected = declared(handler).indexes.map((name) => JSON.stringify({ 'Fn::Join': ['', [tableArn(), `/index/${name}`]] }));
      expect(resources.sort(), handler).toEqual(expected.sort());
      for (const statement of onIndexes) expect(asArray(statement.Action), handler).toEqual(['dynamodb:Query']);
    }
  });

  it('makes every write route declare what it writes, and no read route', () => {
    for (const route of routes) {
      const writes = route.data.write ?? [];
      if (route.access === 'write') expect(writes.length, routeKey(route)).toBeGreaterThan(0);
      else expect(writes, routeKey(route)).toEqual([]);
    }
  });

  it('lets only put-directory write the directory', () => {
    const writers = allHandlers.filter((handler) => writablePks(handler).some((pattern) => stringLike(pattern, directoryKey.pk)));
    expect(writers).toEqual(['put-directory']);
  });

  it('lets the public writes write what a submission, a follow-up and a rating write, and nothing else', () => {
    const publicWriters = [...new Set(routes.filter((r) => r.auth === 'public' && r.access === 'write').map((r) => r.handler))];
    expect(publicWriters.length).toBeGreaterThan(0);
    // The keys their transactions write (shared/data/items.ts createItem and commitChange, shared/data/room.ts).
    const written = [itemPk('YJ-2K7Q-9XHM'), idempotencyKey('a'.repeat(64)).pk, rateLimitKey('b'.repeat(32), 1_733_000_000).pk, usedProofKey('c'.repeat(64)).pk];
    const others = [directoryKey.pk, counterKey('p1#-').pk, counterLayoutKey.pk, dueBucketKey('2026-01-01T00:00:00.000Z').pk, notificationKey('x#1#reply').pk, parkedRecordKey('notify', 'e').pk, tallyMarkerKey('e').pk];
    for (const handler of publicWriters) {
      const allowed = writablePks(handler);
      // A session's rating writes the session's partition and the rate-limit count, no item.
      // An attachment's presign writes its pending upload and the rate-limit count, no item.
      const theirs =
        handler === 'rate-session'
          ? [sessionKey('PX-2K7Q-9XHM').pk, written[2]]
          : handler === 'create-attachment'
            ? [uploadKey('d'.repeat(43)).pk, written[2]]
            : written.filter((pk) => pk !== written[1] || handler === 'create-submission');
      expect(theirs.every((pk) => allowed.some((p) => stringLike(p, pk))), handler).toBe(true);
      for (const pk of others) expect(allowed.some((p) => stringLike(p, pk)), `${handler} may write ${pk}`).toBe(false);
      const reads = onTable(handler).flatMap((st) => leadingKeys(st) ?? []);
      for (const pk of [counterKey('p1#-').pk, notificationKey('x#1#reply').pk, parkedRecordKey('notify', 'e').pk]) {
        expect(reads.some((p) => stringLike(p, pk)), `${handler} may read ${pk}`).toBe(false);
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
    // The attachments bucket's prefixes, acknowledged on the functions that use them (infra/bind-bucket.ts).
    const attachmentFindings = [uploadPrefix, itemObjectPrefix].map((prefix) => `AwsSolutions-IAM5[Resource::<${logicalId(stack.attachments)}.Arn>/${prefix}*]`);
    const deploymentFindings = [...ids].filter((id) => !attachmentFindings.includes(id) && /^AwsSolutions-IAM[45]\[(Action::s3:|Resource::.*\/\*\]$|Policy::.*AWSLambdaBasicExecutionRole)/.test(id));
    expect(ids).toEqual(
      new Set([
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-APIG4',
        'AwsSolutions-COG8',
        'AwsSolutions-SQS3',
        // The site: its access-log bucket, and the distribution (geo, WAF, logs, TLS with the default certificate).
        'AwsSolutions-S1',
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR3',
        'AwsSolutions-CFR4',
        // The CDK-provided BucketDeployment function: its runtime and its generated grants.
        'AwsSolutions-L1',
        // The origin secret, rotated by hand (infra/origin-verify.ts).
        'AwsSolutions-SMG4',
        ...attachmentFindings,
        ...deploymentFindings,
      ]),
    );
    // Its object-ARN wildcards: the CDK asset bucket (read) and the site bucket (written), no other.
    const objectArns = deploymentFindings.filter((id) => id.includes('[Resource::')).sort();
    expect(objectArns).toEqual([
      `AwsSolutions-IAM5[Resource::<${logicalId(stack.site.bucket)}.Arn>/*]`,
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::cdk-\w+-assets-<AWS::AccountId>-<AWS::Region>\/\*\]$/),
    ]);
    const acknowledging = (ids: readonly string[]) =>
      stack.node
        .findAll()
        .filter((c) =>
          c.node.metadata.some(
            (m) =>
              m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY &&
              Object.keys(m.data as object).some((key) => ids.includes(key.replace(/^annotation::/i, ''))),
          ),
        );
    // Those are acknowledged on the deployment function only, never on a function of the desk.
    expect(acknowledging(deploymentFindings).map((c) => c.node.id)).toEqual([expect.stringMatching(/^Custom::CDKBucketDeployment/)]);
    expect(acknowledging(['AwsSolutions-L1']).map((c) => c.node.id)).toEqual([expect.stringMatching(/^Custom::CDKBucketDeployment/)]);
    // The site bucket's access logs are on: S1 is acknowledged on the log bucket only.
    expect(acknowledging(['AwsSolutions-S1'])).toEqual([stack.site.logBucket]);
    expect(acknowledging(['AwsSolutions-CFR3'])).toEqual([stack.site.distribution]);
    expect(acknowledging(['AwsSolutions-SMG4'])).toEqual([stack.originVerify.secret]);
    // The attachments bucket's prefix grants: on the policies of the functions that use them, no other.
    const bucketUsers = new Set(routes.flatMap((r) => (r.bucket?.length ? [r.handler] : [])));
    expect(new Set(acknowledging(attachmentFindings).map((c) => c.node.scope!.node.id))).toEqual(
      new Set([...bucketUsers].map((handler) => stack.functions.get(handler)!.role.node.id)),
    );
  });
});

describe('attachments bucket', () => {
  const bucketOf = () => resources[logicalId(stack.attachments)]!;

  it('is private, encrypted, TLS-only, logged, and kept on deletion', () => {
    const bucket = bucketOf();
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.site.logBucket) }, LogFilePrefix: 'attachments/' },
    });
    const policies = ofType('AWS::S3::BucketPolicy').filter(([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: logicalId(stack.attachments) }));
    expect(policies).toHaveLength(1);
    expect(policies[0]![1].Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });

  it(`removes uploads never attached after ${uploadExpirationDays} day, and nothing else`, () => {
    expect(bucketOf().Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ Prefix: uploadPrefix, ExpirationInDays: uploadExpirationDays, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    ]);
    // The attachment id lives as long as its upload (infra/attachments-bucket.ts).
    expect(uploadExpirationDays * 86_400).toBe(uploadLifetimeSeconds);
  });

  it('lets the site\'s pages post uploads and fetch files (CORS for the site origin only)', () => {
    expect(bucketOf().Properties.CorsConfiguration.CorsRules).toEqual([
      {
        AllowedOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.site.distribution), 'DomainName'] }]] }],
        AllowedMethods: ['POST', 'GET'],
        AllowedHeaders: ['*'],
        MaxAge: 600,
      },
    ]);
  });

  it('is reachable only by the functions whose routes use it, by prefix, each with the actions of its use', () => {
    const bucketRef = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.attachments), 'Arn'] });
    const expected: Record<string, Record<string, string[]>> = {
      'create-attachment': { [uploadPrefix]: ['s3:PutObject'] },
      'create-submission': { [uploadPrefix]: ['s3:DeleteObject', 's3:GetObject'], [itemObjectPrefix]: ['s3:DeleteObject', 's3:PutObject'] },
      'create-follow-up': { [uploadPrefix]: ['s3:DeleteObject', 's3:GetObject'], [itemObjectPrefix]: ['s3:DeleteObject', 's3:PutObject'] },
      'create-reply': { [uploadPrefix]: ['s3:DeleteObject', 's3:GetObject'], [itemObjectPrefix]: ['s3:DeleteObject', 's3:PutObject'] },
      'create-rectification-progress': { [uploadPrefix]: ['s3:DeleteObject', 's3:GetObject'], [itemObjectPrefix]: ['s3:DeleteObject', 's3:PutObject'] },
      'get-submission-attachment': { [itemObjectPrefix]: ['s3:GetObject'] },
      'get-item-attachment': { [itemObjectPrefix]: ['s3:GetObject'] },
    };
    for (const handler of allHandlers) {
      const statements = rolePolicies(handler).statements.filter((st) => JSON.stringify(st.Resource).includes(bucketRef));
      const granted: Record<string, string[]> = {};
      for (const st of statements) {
        const suffix = (st.Resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][1] as string;
        granted[suffix.slice(1, -1)] = asArray(st.Action).sort();
      }
      expect(granted, handler).toEqual(expected[handler] ?? {});
      const env = resources[logicalId(stack.functions.get(handler)!.function)]!.Properties.Environment.Variables;
      if (expected[handler]) expect(env.ATTACHMENTS_BUCKET, handler).toEqual({ Ref: logicalId(stack.attachments) });
      else expect(env.ATTACHMENTS_BUCKET, handler).toBeUndefined();
    }
  });

  it('gives sharp\'s arm64 layer to the functions that re-encode photos, and to no other', () => {
    const layers = ofType('AWS::Lambda::LayerVersion').filter(([, r]) => String(r.Properties.Description).startsWith('sharp'));
    expect(layers).toHaveLength(1);
    expect(layers[0]![1].Properties).toMatchObject({ CompatibleArchitectures: ['arm64'], CompatibleRuntimes: [YijianFunction.runtime.name] });
    for (const handler of allHandlers) {
      const props = resources[logicalId(stack.functions.get(handler)!.function)]!.Properties;
      expect(props.Layers, handler).toEqual(attachers.includes(handler) ? [{ Ref: layers[0]![0] }] : undefined);
    }
  });
});

describe('stack options', () => {
  // Construct-only checks: bundling is skipped for these stacks (no assets are built).
  const appWithoutBundling = (context: Record<string, unknown> = {}) =>
    new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], webDist, ...context } });
  const groupNamesOf = (s: YijianStack) =>
    Object.values(Template.fromStack(s).findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);

  it('take the member units (liaison groups) from the context value memberUnits', () => {
    const s = new YijianStack(appWithoutBundling({ supervisionGroups: 'north', memberUnits: 'a1, b2' }), 'Units');
    expect(groupNamesOf(s).sort()).toEqual(['group:north', 'leader', 'office']);
    expect(s.staffIdentity.groupNames).toEqual(['office', 'leader', 'group:north', 'unit:a1', 'unit:b2']);
    const nested = s.staffIdentity.liaisonStacks.map((n) => Object.values(Template.fromStack(n).findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName));
    expect(nested).toEqual([['unit:a1', 'unit:b2']]);
    expect(new YijianStack(appWithoutBundling({ memberUnits: '' }), 'NoUnits').staffIdentity.liaisonStacks).toEqual([]);
    expect(() => new YijianStack(appWithoutBundling({ memberUnits: 'u1,u1' }), 'UnitTwice')).toThrow(/twice/);
    expect(() => new YijianStack(appWithoutBundling({ memberUnits: 'u 1' }), 'UnitBad')).toThrow(/not a directory unit id/);
  });

  it('take the supervision groups from the context value supervisionGroups', () => {
    const s = new YijianStack(appWithoutBundling({ supervisionGroups: 'north, south', memberUnits: '' }), 'Groups');
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

  it('take the workers\' settings from context values, and check them', () => {
    const s = new YijianStack(
      appWithoutBundling({
        mailFrom: 'Campaign desk <desk@mail.campaign.example>',
        sesIdentity: 'campaign.example',
        publicUrl: 'https://campaign.example/desk',
        autoCloseDays: '10',
        contactRetentionDays: '365',
        alarmEmail: 'ops@campaign.example',
        createSesIdentity: 'true',
      }),
      'Workers',
    );
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ YIJIAN_MAIL_FROM: 'Campaign desk <desk@mail.campaign.example>', YIJIAN_PUBLIC_URL: 'https://campaign.example/desk' }) },
    });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ YIJIAN_AUTO_CLOSE_DAYS: '10', YIJIAN_CONTACT_RETENTION_DAYS: '365' }) } });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@campaign.example' });
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'campaign.example' });
    expect(JSON.stringify(s.resolve(s.workers.sesIdentityArn))).toContain(':identity/campaign.example');

    const address = new YijianStack(appWithoutBundling({ mailFrom: 'desk@campaign.example', sesIdentity: 'desk@campaign.example' }), 'Address');
    expect(JSON.stringify(address.resolve(address.workers.sesIdentityArn))).toContain(':identity/desk@campaign.example');

    expect(() => new YijianStack(appWithoutBundling({ mailFrom: 'not an address' }), 'BadFrom')).toThrow(/mailFrom/);
    expect(() => new YijianStack(appWithoutBundling({ mailFrom: 'a@x.example', sesIdentity: 'y.example' }), 'Other')).toThrow(/does not cover/);
    expect(() => new YijianStack(appWithoutBundling({ publicUrl: 'http://yijian.example' }), 'Plain')).toThrow(/publicUrl/);
    expect(() => new YijianStack(appWithoutBundling({ autoCloseDays: '0' }), 'Zero')).toThrow(/autoCloseDays/);
    expect(() => new YijianStack(appWithoutBundling({ contactRetentionDays: '0' }), 'NoRetention')).toThrow(/contactRetentionDays/);
    expect(() => new YijianStack(appWithoutBundling({ contactRetentionDays: 'half a year' }), 'WordRetention')).toThrow(/contactRetentionDays/);
    expect(() => new YijianStack(appWithoutBundling({ createSesIdentity: 'yes' }), 'Flag')).toThrow(/createSesIdentity/);
  });

  it('take the Cognito domain prefix from the context value cognitoDomainPrefix: domain, CSP and /config.json', () => {
    const domainApp = appWithoutBundling({ cognitoDomainPrefix: 'yijian-desk' });
    const s = new YijianStack(domainApp, 'Domain');
    const t = Template.fromStack(s);
    const idOf = (construct: { node: { defaultChild?: unknown } }) => s.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
    const domainId = idOf(s.staffIdentity.domain!);
    t.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'yijian-desk', UserPoolId: { Ref: idOf(s.staffIdentity.userPool) } });
    const domainUrl = s.resolve(s.staffIdentity.domainUrl);
    expect(JSON.stringify(domainUrl)).toContain('.auth.');
    // The console fetches the managed login's token endpoint: the CSP lets it.
    const csp = Object.values(t.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0]!.Properties.ResponseHeadersPolicyConfig
      .SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    expect(JSON.stringify(csp)).toContain(JSON.stringify(s.resolve(s.staffIdentity.domain!.domainName)));
    const config = Object.values(t.findResources('Custom::CDKBucketDeployment')).find((r) => r.Properties.SourceMarkers)!.Properties;
    const raw = readFileSync(join(domainApp.outdir, `asset.${config.SourceObjectKeys[0].replace(/\.zip$/, '')}`, 'config.json'), 'utf8');
    const markers = config.SourceMarkers[0] as Record<string, unknown>;
    const resolved = (value: string) => value.replace(/<<marker:0xbaba:\d+>>/g, (m) => JSON.stringify(markers[m]));
    const document = JSON.parse(raw) as Record<string, any>;
    expect(resolved(document.cognitoDomain)).toBe(resolved(document.cognito.domain));
    expect(resolved(document.cognitoDomain)).toContain(JSON.stringify({ Ref: domainId }));
    expect(document.cognito.scopes).toEqual(['openid', 'email', 'profile']);
    expect(resolved(document.cognito.clientId)).toBe(JSON.stringify({ Ref: idOf(s.staffIdentity.client) }));
    expect(document.cognito.redirectUri).toBeUndefined();
    expect(() => new YijianStack(appWithoutBundling({ cognitoDomainPrefix: 'My_Desk' }), 'BadPrefix')).toThrow(/cognitoDomainPrefix/);
    expect(() => new YijianStack(appWithoutBundling({ cognitoDomainPrefix: 'aws-desk' }), 'Reserved')).toThrow(/cognitoDomainPrefix/);
  });

  it('name the version of the origin secret given as context value originVerifyVersionId, after a rotation', () => {
    const versionId = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    const s = new YijianStack(appWithoutBundling({ originVerifyVersionId: versionId }), 'Rotated');
    const t = Template.fromStack(s);
    const secretId = s.resolve((s.originVerify.secret.node.defaultChild as CfnElement).logicalId) as string;
    const reference = { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, `:SecretString:::${versionId}}}`]] };
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [originVerifyEnvName]: reference }) },
    });
    const origins = Object.values(t.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig.Origins as any[];
    expect(origins.filter((o) => o.OriginCustomHeaders).map((o) => o.OriginCustomHeaders)).toEqual([[{ HeaderName: originVerifyHeader, HeaderValue: reference }]]);
    expect(() => new YijianStack(appWithoutBundling({ originVerifyVersionId: 'AWSCURRENT' }), 'Stage')).toThrow(/originVerifyVersionId/);
    expect(() => new YijianStack(appWithoutBundling(), 'BadProp', { originVerifyVersionId: 'x}}' })).toThrow(/originVerifyVersionId/);
  });

  it('deploy a placeholder page, with a warning, when the web pages are not built', () => {
    const missing = join(tmpdir(), 'yijian-no-such-build');
    const s = new YijianStack(appWithoutBundling({ webDist: missing }), 'Placeholder');
    expect(s.site.usesPlaceholder).toBe(true);
    expect(s.site.assetsDeployment).toBeUndefined();
    expect(readdirSync(s.site.pagesDir).sort()).toEqual(['404.html', 'answers.html', 'console.html', 'index.html', 'session.html', 'track.html']);
    // The placeholder obeys the CSP too: no inline script or style.
    expect(readFileSync(join(s.site.pagesDir, 'index.html'), 'utf8')).not.toMatch(/<script|<style|style=/);
    Annotations.fromStack(s).hasWarning('/Placeholder/Site', Match.stringLikeRegexp('not built'));
    Template.fromStack(s).resourceCountIs('Custom::CDKBucketDeployment', 2);
    // A built folder gives no such warning.
    expect(Annotations.fromStack(stack).findWarning('/YijianStack/Site', Match.stringLikeRegexp('not built'))).toEqual([]);
    rmSync(s.site.pagesDir, { recursive: true, force: true });
  });

  it('refuse a route served by a worker\'s handler', () => {
    for (const handler of workerHandlers) {
      const route: RouteDef = { method: 'GET', path: `/api/${handler}`, handler, auth: 'staff', access: 'read', data: {} };
      expect(() => new YijianStack(appWithoutBundling(), `WorkerRoute${handler}`, { routes: [...routes, route] }), handler).toThrow(
        /background worker/,
      );
    }
  });

  it('refuse local-only routes and handlers serving streaming and non-streaming routes', () => {
    const handler = handlers[0]!;
    const dev: RouteDef = { method: 'POST', path: '/api/dev/token', handler, auth: 'public', access: 'read', data: {} };
    expect(() => new YijianStack(appWithoutBundling(), 'Dev', { routes: [...routes, dev] })).toThrow(/local-only/);
    const mixed: RouteDef[] = [
      { method: 'GET', path: '/api/a', handler, auth: 'staff', access: 'read', data: {} },
      { method: 'GET', path: '/api/b', handler, auth: 'staff', access: 'read', data: {}, stream: true },
    ];
    expect(() => new YijianStack(appWithoutBundling(), 'Mixed', { routes: mixed })).toThrow(/streaming and non-streaming/);
  });

  it('take the streaming functions\' reserved concurrency from the context value exportConcurrency, and check it', () => {
    const s = new YijianStack(appWithoutBundling({ exportConcurrency: '2' }), 'Exports');
    const fn = s.functions.get([...streamHandlers][0]!)!;
    expect(Template.fromStack(s).toJSON().Resources[s.getLogicalId(fn.function.node.defaultChild as CfnElement)].Properties.ReservedConcurrentExecutions).toBe(2);
    for (const value of ['0', '1.5', 'many', '1000']) {
      expect(() => new YijianStack(appWithoutBundling({ exportConcurrency: value }), `Exports${value.replace(/\W/g, '')}`), value).toThrow(/exportConcurrency/);
    }
  });

  it('refuse a write route that declares no key space it writes, and a read route that declares one', () => {
    const handler = handlers[0]!;
    const silentWrite: RouteDef = { method: 'POST', path: '/api/x', handler: 'x-write', auth: 'public', access: 'write', data: { read: ['item'] } };
    expect(() => new YijianStack(appWithoutBundling(), 'SilentWrite', { routes: [...routes, silentWrite] })).toThrow(/declares no key space/);
    const writingRead: RouteDef = { method: 'GET', path: '/api/y', handler, auth: 'staff', access: 'read', data: { write: ['item'] } };
    expect(() => new YijianStack(appWithoutBundling(), 'WritingRead', { routes: [...routes, writingRead] })).toThrow(/read route but declares/);
  });
});
