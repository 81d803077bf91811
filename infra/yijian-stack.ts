/**
 * The deployed yijian: the single table, one function per handler of the route table, the staff
 * user pool, and the HTTP API with one Lambda integration per route (streaming routes are served
 * by their function's URL instead), plus the background workers of shared/workers.ts (infra/workers.ts)
 * and the web pages behind CloudFront, on the same origin as the API (infra/site.ts).
 * Everything is derived from shared/routes.ts, shared/workers.ts and
 * shared/data/table-definition.ts, the same declarations the local stack mounts.
 *
 * This file puts the parts together, each from its own file: yijian-table.ts (the table),
 * route-functions.ts (a function per handler), http-api.ts (the API, its stage and routes),
 * console-config.ts (what the console reads), stack-outputs.ts (the outputs).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { DomainName, HttpApi, HttpRoute, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { methodNotAllowedHandler, routeKey, routes as sharedRoutes, type RouteDef } from '../shared/routes';
import { scheduleWorker, streamWorker, tallyWorker } from '../shared/workers';
import { consoleConfigOf, consoleConnectSources, warnUntilStaffCanSignIn } from './console-config';
import { checkApiDomain, edgeSettingsFrom, type ApiDomain } from './edge-settings';
import { createApiRoutes, createHttpApi, defaultThrottle } from './http-api';
import { checkOriginVerifyVersionId, OriginVerify, originVerifyVersionIdFrom } from './origin-verify';
import { RoomSecret } from './room-secret';
import { bindAttachments, createRouteFunctions } from './route-functions';
import { attachmentsOrigin, createAttachmentsBucket } from './attachments-bucket';
import { createSharpLayer } from './sharp-layer';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Site } from './site';
import { webDistFrom } from './site-pages';
import { addStackOutputs } from './stack-outputs';
import { checkStreamConcurrency, streamConcurrencyFrom } from './stream-settings';
import {
  checkCognitoDomainPrefix,
  checkConsoleUrl,
  checkSupervisionGroupIds,
  cognitoDomainPrefixFrom,
  consoleUrlFrom,
  StaffIdentity,
  supervisionGroupIdsFrom,
} from './staff-identity';
import { workerSettingsFrom, type WorkerSettings } from './worker-settings';
import { Workers } from './workers';
import { YijianFunction } from './yijian-function';
import { bindTable } from './bind-table';
import { functionId } from './construct-ids';
import { boundTableOf, createTable } from './yijian-table';
import { checkMemberUnitIds, memberUnitIdsFrom } from './liaison-groups';

// What test/infra checks the template against, where it has always imported it from.
export { accessLogFields, defaultThrottle } from './http-api';

export interface YijianStackProps extends StackProps {
  /** @default the route table of shared/routes.ts (tests pass their own to probe edge cases) */
  readonly routes?: readonly RouteDef[];
  /**
   * One Cognito group `group:<id>` per supervision group.
   * @default context `supervisionGroups` (comma list), else the groups of shared/demo/directory.ts
   */
  readonly supervisionGroupIds?: readonly string[];
  /**
   * One Cognito group `unit:<id>` per member unit: its liaisons (API.md v2 "Roles, added").
   * @default context `memberUnits` (comma list), else the units of shared/demo/directory.ts
   */
  readonly memberUnitIds?: readonly string[];
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
  /**
   * Reserved concurrency of each streaming function (the export): exports that may run at once.
   * @default context `exportConcurrency`, else `defaultStreamConcurrency` (infra/stream-settings.ts)
   */
  readonly streamConcurrency?: number;
  /**
   * The WAF web ACL of the distribution, from the edge stack in us-east-1 (infra/edge-stack.ts,
   * made by infra/app-stacks.ts when WAF is on). None: no WAF.
   */
  readonly webAclArn?: string;
  /**
   * The API's custom domain name and its certificate; with it the execute-api endpoint is disabled.
   * @default context `apiDomainName` and `apiCertificateArn` (infra/edge-settings.ts), else none
   */
  readonly apiDomain?: ApiDomain;
  /** @default .build/sharp-layer (`npm run sharp-layer`; tests pass a fixture) */
  readonly sharpLayerDir?: string;
}

export class YijianStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** The API's custom domain name, when one is given: then its execute-api endpoint is disabled. */
  readonly apiDomain?: DomainName;
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
  /** The secret that keys address hashes and signs challenges, with its rotation function. */
  readonly roomSecret: RoomSecret;
  /** The attachments bucket (infra/attachments-bucket.ts). */
  readonly attachments: Bucket;

  constructor(scope: Construct, id: string, props: YijianStackProps = {}) {
    super(scope, id, props);
    const routeTable = props.routes ?? sharedRoutes;
    for (const route of routeTable) {
      if (route.path.startsWith('/api/dev/')) {
        throw new Error(`${routeKey(route)} is a local-only endpoint (docs/api.md) and is never deployed`);
      }
    }

    // Every construct in the stack's scope, in this order: the construct ids (and the order of the
    // template) are those of the deployed stack, and a changed id would replace the resource.
    this.staffIdentity = new StaffIdentity(this, 'Staff', {
      supervisionGroupIds:
        props.supervisionGroupIds === undefined
          ? supervisionGroupIdsFrom(this)
          : checkSupervisionGroupIds(props.supervisionGroupIds),
      memberUnitIds: props.memberUnitIds === undefined ? memberUnitIdsFrom(this) : checkMemberUnitIds(props.memberUnitIds),
      consoleUrl: props.consoleUrl === undefined ? consoleUrlFrom(this) : checkConsoleUrl(props.consoleUrl),
      domainPrefix:
        props.cognitoDomainPrefix === undefined
          ? cognitoDomainPrefixFrom(this)
          : checkCognitoDomainPrefix(props.cognitoDomainPrefix),
    });
    const identity = this.staffIdentity;

    this.table = createTable(this);
    const boundTable = boundTableOf(this.table);

    this.originVerify = new OriginVerify(this, 'OriginVerify', {
      versionId:
        props.originVerifyVersionId === undefined ? originVerifyVersionIdFrom(this) : checkOriginVerifyVersionId(props.originVerifyVersionId),
    });

    this.roomSecret = new RoomSecret(this, 'RoomSecret');

    const { functions, functionUrls } = createRouteFunctions(this, {
      routeTable,
      table: boundTable,
      identity,
      streamConcurrency: props.streamConcurrency === undefined ? streamConcurrencyFrom(this) : checkStreamConcurrency(props.streamConcurrency),
      originVerifySecret: this.originVerify.value,
      roomSecret: this.roomSecret,
    });
    for (const worker of [streamWorker.handler, tallyWorker.handler, scheduleWorker.handler]) {
      if (functions.has(worker)) {
        throw new Error(`functions/${worker}.ts is a background worker (shared/workers.ts) and cannot serve routes too`);
      }
    }
    // Checked before anything is built from them.
    const workerSettings = workerSettingsFrom(this, props.workerSettings);
    this.functionUrls = functionUrls;

    const apiDomain = 'apiDomain' in props ? props.apiDomain : edgeSettingsFrom(this).apiDomain;
    const { api, stage, domain } = createHttpApi(this, props.throttle ?? defaultThrottle, apiDomain && checkApiDomain(apiDomain));
    this.apiDomain = domain;
    this.api = api;
    this.stage = stage;
    // It answers 405 for the ANY routes and touches nothing: bound like the OpenAPI document's
    // function, with no key space (TABLE_NAME as every function has it, and no grant).
    const methodNotAllowed = new YijianFunction(this, functionId(methodNotAllowedHandler), {
      handler: methodNotAllowedHandler,
      description: 'yijian method-not-allowed: 405 with Allow for a known path asked with another method',
    });
    bindTable(methodNotAllowed, boundTable, { access: 'read', data: {} });
    this.routes = createApiRoutes(this, { api, routeTable, functions, identity, methodNotAllowed });

    this.site = new Site(this, 'Site', {
      webDist: props.webDist ?? webDistFrom(this),
      apiOrigin: domain === undefined ? `${api.apiId}.execute-api.${this.region}.${this.urlSuffix}` : domain.name,
      webAclArn: props.webAclArn,
      streaming: routeTable
        .filter((route) => route.stream === true)
        .map((route) => ({ path: route.path, methods: [route.method], url: functionUrls.get(route.handler)! })),
      consoleConfig: consoleConfigOf(identity, this.region),
      connectSources: consoleConnectSources(identity, this),
      objectStore: attachmentsOrigin(this),
      originVerifySecret: this.originVerify.value,
    });
    warnUntilStaffCanSignIn(this, identity);

    // After the site: its pages are the only origin that may post uploads (CORS).
    this.attachments = createAttachmentsBucket(this, { siteOrigin: this.site.url, logBucket: this.site.logBucket });
    bindAttachments(functions, routeTable, this.attachments, createSharpLayer(this, props.sharpLayerDir));

    // After the site: notify's links lead to it unless publicUrl names another address.
    this.workers = new Workers(this, 'Workers', {
      table: boundTable,
      settings: workerSettings,
      defaultPublicUrl: this.site.url,
    });
    functions.set(streamWorker.handler, this.workers.notify);
    functions.set(tallyWorker.handler, this.workers.tally);
    functions.set(scheduleWorker.handler, this.workers.sweep);
    functions.set(methodNotAllowedHandler, methodNotAllowed);
    this.functions = functions;

    addStackOutputs(this);
  }
}
