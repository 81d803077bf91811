/**
 * The web pages on the same origin as the API: one CloudFront distribution in front of
 *   default            the private site bucket (origin access control), /track and /console
 *                      rewritten to their .html by a viewer-request CloudFront Function
 *   <streaming route>  the function URL of its handler (HTTP APIs cannot stream)
 *   /api/*             the HTTP API, told who the viewer is: a viewer-request CloudFront Function
 *                      sets the viewer's IP address in a header, and the origin adds the origin
 *                      secret that makes the functions believe it (shared/http/client-address.ts)
 * with one response headers policy (a strict Content-Security-Policy and friends) on every path.
 * The Vite build (web/dist) is deployed into the bucket, and beside it the console's configuration
 * (/config.json), written from the stack's own values so the console needs no rebuild per deployment.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  Function as EdgeFunction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { Policy } from 'aws-cdk-lib/aws-iam';
import type { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { originVerifyHeader, viewerIpHeader } from '../shared/http/client-address';
import { projectRoot } from './yijian-function';

/** Where `vite build` writes the pages (vite.config.ts), relative to the repository root. */
export const defaultWebDist = 'web/dist';

/** The built pages: context `webDist` (relative to the repository root, or absolute), else web/dist. */
export function webDistFrom(scope: IConstruct): string {
  const value: unknown = scope.node.tryGetContext('webDist');
  const path = value === undefined || value === '' ? defaultWebDist : String(value);
  return isAbsolute(path) ? path : resolve(projectRoot, path);
}

/** The pretty paths of the pages (as local/pages.ts serves them); `/` is the default root object. */
export const pagePaths: Readonly<Record<string, string>> = {
  '/track': '/track.html',
  '/console': '/console.html',
};

/**
 * The viewer-request function of the default (bucket) behavior, cloudfront-js-2.0; only page
 * requests reach it (/api/* has behaviors of its own). `/console/` is redirected to `/console`
 * rather than served: the console's sign-in returns to its own URL, which must be exactly the
 * app client's callback URL.
 */
export const pageRewriteCode = `var pages = ${JSON.stringify(pagePaths)};
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.length > 1 && uri.charAt(uri.length - 1) === '/' && pages[uri.slice(0, -1)]) {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: uri.slice(0, -1) } } };
  }
  var page = pages[uri];
  if (page) request.uri = page;
  return request;
}
`;

/**
 * The viewer-request function of /api/*, cloudfront-js-2.0: the viewer's IP address (IPv4, or IPv6
 * without brackets or port) in a header of our own, replacing any header of that name the viewer
 * sent. Set here rather than asking CloudFront for its CloudFront-Viewer-Address header: an origin
 * request policy that adds CloudFront-* headers forwards the viewer's Host header too
 * (allViewerAndWhitelistCloudFront), which API Gateway answers with 403, and one that drops Host
 * (allExcept) cannot add CloudFront-* headers (nor can a policy of our own list Authorization, which
 * the staff routes need). A header set by a function is a viewer header to the managed policy the
 * API already uses, which passes every viewer header but Host.
 */
export const viewerIpCode = `function handler(event) {
  var request = event.request;
  request.headers[${JSON.stringify(viewerIpHeader)}] = { value: event.viewer.ip };
  return request;
}
`;

/**
 * The console's configuration: the deployment's Cognito settings, read at run time. Published
 * under each of these keys (`config.json`, and `console-config.json`, the name
 * web/src/console/auth.ts fetches today), so no build of the pages depends on a deployment.
 */
export const consoleConfigKeys = ['config.json', 'console-config.json'] as const;

/** The Vite build puts every hashed file (JS, CSS, images) under assets/. */
const assetsDir = 'assets';

/**
 * The policy of every response: only this origin's scripts, styles and images (and data: images),
 * fetches to this origin and Cognito, no framing, no <base>, forms posting here only.
 * `connectSources` are the Cognito endpoints the console calls (the token endpoint of the managed login).
 */
export const contentSecurityPolicy = (connectSources: readonly string[]): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ['connect-src', "'self'", ...connectSources].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');

/** Sent besides the CSP, as local/pages.ts sends them. */
export const permissionsPolicy = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

export interface StreamingOrigin {
  /** The route path (`{param}` segments become `*` in the behavior's path pattern). */
  readonly path: string;
  readonly methods: readonly string[];
  readonly url: FunctionUrl;
}

export interface SiteProps {
  /** The folder of the built pages (vite build); a placeholder is deployed when it is missing. */
  readonly webDist: string;
  readonly api: HttpApi;
  /** The streaming routes, each served by its function URL. */
  readonly streaming: readonly StreamingOrigin[];
  /** Published as /config.json; may hold deploy-time values (tokens). */
  readonly consoleConfig: Readonly<Record<string, unknown>>;
  /** Extra connect-src sources of the CSP (Cognito). */
  readonly connectSources: readonly string[];
  /**
   * The origin secret (a deploy-time token, infra/origin-verify.ts), sent to the API origin as
   * X-Origin-Verify on every request.
   */
  readonly originVerifySecret: string;
}

/** Created once per process when web/dist is missing: the same content, hence the same asset hash. */
let placeholderDir: string | undefined;
const placeholderPages = (): string => {
  if (placeholderDir !== undefined && existsSync(placeholderDir)) return placeholderDir;
  const dir = mkdtempSync(join(tmpdir(), 'yijian-site-placeholder-'));
  const page = (title: string) =>
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>yijian: ' +
    title +
    '</title></head>\n<body><h1>yijian</h1><p>The web pages were not built when this stack was ' +
    'synthesised. Run <code>npx vite build</code>, then deploy again.</p></body></html>\n';
  for (const [file, title] of [
    ['index.html', 'form'],
    ['track.html', 'tracking'],
    ['console.html', 'console'],
    ['404.html', 'not found'],
  ]) {
    writeFileSync(join(dir, file), page(title!));
  }
  // Staging copies it into the cloud assembly, so it may go when the process does.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  placeholderDir = dir;
  return dir;
};

/** A CloudFormation value as cdk-nag prints it in finding ids (its utils/flatten-cfn-reference). */
const nagText = (value: unknown): string => {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, any>;
  if (node['Fn::Join']) return (node['Fn::Join'][1] as unknown[]).map(nagText).join(node['Fn::Join'][0]);
  if (node['Fn::Sub']) return nagText(node['Fn::Sub']);
  if (node['Fn::GetAtt']) return `<${nagText(node['Fn::GetAtt'][0])}.${nagText(node['Fn::GetAtt'][1])}>`;
  if (node['Fn::ImportValue']) return nagText(node['Fn::ImportValue']);
  if (node.Ref) return `<${nagText(node.Ref)}>`;
  return JSON.stringify(value);
};

export class Site extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeaders: ResponseHeadersPolicy;
  readonly pageRewrite: EdgeFunction;
  /** Sets the viewer's IP address on every /api/* request (viewerIpCode). */
  readonly viewerIp: EdgeFunction;
  /** `https://<id>.cloudfront.net`, without a trailing slash. */
  readonly url: string;
  /** The folder that was deployed: the build, or the placeholder when the build was missing. */
  readonly pagesDir: string;
  readonly usesPlaceholder: boolean;
  /** The hashed files (assets/), when the build has any. */
  readonly assetsDeployment?: BucketDeployment;
  readonly pagesDeployment: BucketDeployment;
  readonly configDeployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // The S3 server access logs of the site bucket: who changed the pages, and when (the console's
    // scripts handle staff tokens, so a changed script matters). Log delivery needs SSE-S3.
    this.logBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket receives the server access logs of the site bucket. Logging it into itself ' +
        'would log every log delivery, and another bucket for it would only move the question.',
    });

    // Private: CloudFront reads it through origin access control, the deployment writes it.
    // Versioned, so a bad deployment can be rolled back object by object; kept on stack deletion.
    this.bucket = new Bucket(this, 'Pages', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      // Hashed assets of older builds are never pruned (see below); replaced and pruned versions go.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'pages/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.responseHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'yijian: strict CSP and security headers on every response',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.connectSources), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        // The tracking page's URL fragment carries the access key: never leak a URL to another site.
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: permissionsPolicy, override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
          { header: 'Cross-Origin-Resource-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    this.pageRewrite = new EdgeFunction(this, 'PageRewrite', {
      comment: 'yijian: /track and /console to their pages',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(pageRewriteCode),
    });

    this.viewerIp = new EdgeFunction(this, 'ViewerIp', {
      comment: 'yijian: the viewer IP address for the API per-client limits',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(viewerIpCode),
    });

    // The API and the streaming functions answer per request: nothing is cached, and every viewer
    // header but Host (the origins check Host against their own domain) is passed on. With caching
    // disabled, this managed policy also passes Authorization (an origin request policy of our own
    // could not), which the staff routes need.
    const dynamic = {
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.responseHeaders,
    } satisfies Partial<BehaviorOptions>;

    const additionalBehaviors: Record<string, BehaviorOptions> = {};
    // The export function keeps its URL's auth type NONE and checks the Cognito access token
    // itself (shared/http/jwt.ts). Origin access control for Lambda URLs (AWS_IAM) was weighed and
    // left out: CloudFront signs the origin request with SigV4 in the Authorization header, which
    // would replace the viewer's `Authorization: Bearer <token>`, the very header the function
    // verifies; moving the token to another header would change the API contract (docs/api.md).
    const byPattern = new Map<string, { url: FunctionUrl; methods: Set<string> }>();
    for (const route of props.streaming) {
      const pattern = route.path.replace(/\{[^}]+\}/g, '*');
      const entry = byPattern.get(pattern) ?? { url: route.url, methods: new Set<string>() };
      if (entry.url !== route.url) throw new Error(`streaming routes of ${pattern} are served by different function URLs`);
      route.methods.forEach((method) => entry.methods.add(method));
      byPattern.set(pattern, entry);
    }
    const origins = new Map<FunctionUrl, FunctionUrlOrigin>();
    for (const [pattern, { url, methods }] of byPattern) {
      // Matches the function's timeout: a large export may take a while before its first bytes.
      const origin = origins.get(url) ?? new FunctionUrlOrigin(url, { readTimeout: Duration.seconds(60) });
      origins.set(url, origin);
      const readOnly = [...methods].every((method) => method === 'GET' || method === 'HEAD');
      additionalBehaviors[pattern] = {
        ...dynamic,
        origin,
        allowedMethods: readOnly ? AllowedMethods.ALLOW_GET_HEAD : AllowedMethods.ALLOW_ALL,
      };
    }
    // After the streaming routes: CloudFront takes the first behavior whose pattern matches.
    // CloudFront replaces a viewer's own X-Origin-Verify with this value, so a request that carries
    // it came through this distribution, and its viewer header was set by viewerIp. The streaming
    // routes need neither: they are staff-only and not rate limited.
    additionalBehaviors['/api/*'] = {
      ...dynamic,
      origin: new HttpOrigin(`${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [OriginSslPolicy.TLS_V1_2],
        customHeaders: { [originVerifyHeader]: props.originVerifySecret },
      }),
      allowedMethods: AllowedMethods.ALLOW_ALL,
      functionAssociations: [{ function: this.viewerIp, eventType: FunctionEventType.VIEWER_REQUEST }],
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'yijian: web pages and /api on one origin',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        compress: true,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
        functionAssociations: [{ function: this.pageRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors,
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction on purpose: the desk is open to every submitter and staff member ' +
          'wherever they are (travel, roaming); nothing it serves is restricted by country.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No AWS WAF yet: a web ACL for CloudFront must be created in us-east-1, outside this ' +
          'regional stack, and is billed per ACL, rule and request. Abuse of the API is bounded by ' +
          'the HTTP API stage throttling and the handlers\' rate limits on public writes.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'CloudFront access logs are off for privacy: they record each viewer\'s IP address and the ' +
          'full URI, including /api/submissions/<trackingCode>, while anonymous submitters are ' +
          'promised that no client IP is kept and the API access logs leave out IP and path by design.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'No custom domain yet, so the distribution uses the default *.cloudfront.net certificate, ' +
          'whose minimum protocol CloudFront fixes at TLSv1. With a domain and an ACM certificate ' +
          '(us-east-1), the minimum becomes TLSv1.2_2021 (the cdk.json feature flag default).',
      },
    );
    this.url = `https://${this.distribution.distributionDomainName}`;

    // The pages: the build if there is one, else a placeholder, so synth never needs a build.
    const built = existsSync(props.webDist) && statSync(props.webDist).isDirectory();
    this.usesPlaceholder = !built;
    this.pagesDir = built ? props.webDist : placeholderPages();
    if (!built) {
      Validations.of(this).addWarning(
        'yijian:SitePlaceholder',
        `The web pages are not built (no folder ${props.webDist}): a placeholder page is deployed ` +
          'instead. Run `npx vite build` (or set context webDist) and synthesise again.',
      );
    }

    // The CDK-provided function that copies the files (one per stack, shared by the deployments).
    const deploymentLogs = new LogGroup(this, 'DeploymentLogs', { retention: RetentionDays.ONE_MONTH });

    // Hashed files first, cached for a year and never pruned: a browser holding the previous
    // index.html still finds its scripts while (and after) the new pages go out.
    if (existsSync(join(this.pagesDir, assetsDir))) {
      this.assetsDeployment = new BucketDeployment(this, 'DeployAssets', {
        sources: [Source.asset(join(this.pagesDir, assetsDir))],
        destinationBucket: this.bucket,
        destinationKeyPrefix: `${assetsDir}/`,
        prune: false,
        cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
        logGroup: deploymentLogs,
      });
    }
    // Then the pages, revalidated on every load (they name the hashed files of their build).
    // Pruned, except for the hashed files and the configuration, which other deployments own.
    this.pagesDeployment = new BucketDeployment(this, 'DeployPages', {
      sources: [Source.asset(this.pagesDir, { exclude: [assetsDir, '.*'] })],
      destinationBucket: this.bucket,
      prune: true,
      exclude: [`${assetsDir}/*`, ...consoleConfigKeys],
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      logGroup: deploymentLogs,
    });
    if (this.assetsDeployment !== undefined) this.pagesDeployment.node.addDependency(this.assetsDeployment);
    this.configDeployment = new BucketDeployment(this, 'DeployConfig', {
      sources: consoleConfigKeys.map((key) => Source.jsonData(key, props.consoleConfig)),
      destinationBucket: this.bucket,
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: consoleConfigKeys.map((key) => `/${key}`),
      logGroup: deploymentLogs,
    });
    this.acknowledgeDeploymentHandler();

    new CfnOutput(stack, 'SiteUrl', { value: this.url, description: 'The web pages and /api, on one origin' });
    new CfnOutput(stack, 'ConsoleUrl', {
      value: `${this.url}/console`,
      description: 'The staff console: set it as context consoleUrl (Cognito callback URL) and deploy again',
    });
    new CfnOutput(stack, 'DistributionId', { value: this.distribution.distributionId });
    new CfnOutput(stack, 'SiteBucketName', { value: this.bucket.bucketName });
  }

  /**
   * BucketDeployment runs one CDK-provided function per stack (a singleton, outside this
   * construct) that copies the assets with the AWS CLI. Its findings are acknowledged on it.
   */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handlers = stack.node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    for (const handler of handlers) {
      // The object ARNs of the buckets it copies between, named as cdk-nag names them: the CDK
      // asset bucket (whose name depends on the environment) and the site bucket.
      const policy = handler.node.tryFindChild('ServiceRole')?.node.tryFindChild('DefaultPolicy') as Policy | undefined;
      const statements = ((policy ? stack.resolve(policy.document) : undefined)?.Statement ?? []) as { Resource?: unknown }[];
      const objectArns = new Set(
        statements
          .flatMap((statement) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]))
          .map(nagText)
          .filter((resource) => resource.endsWith('/*')),
      );
      Validations.of(handler).acknowledge(
        ...[...objectArns].map((arn) => ({
          id: `AwsSolutions-IAM5[Resource::${arn}]`,
          reason:
            'BucketDeployment (CDK-generated grant) reads the staged objects of the CDK asset bucket ' +
            'and writes and prunes the objects of the site bucket, which holds only the deployed pages; only while deploying.',
        })),
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            'The CDK-provided BucketDeployment function (a deploy-time custom resource, not part of ' +
            'the running desk) comes with this role; it runs only while CloudFormation deploys the pages.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
          reason:
            'BucketDeployment reads the staged asset objects it copies (CDK-generated grant on the ' +
            'asset bucket\'s objects), only while deploying.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
          reason: 'BucketDeployment (CDK-generated grant) reads the buckets it syncs between, only while deploying.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:List*]',
          reason: 'BucketDeployment (CDK-generated grant) lists what is there to sync and prune, only while deploying.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
          reason:
            'BucketDeployment (CDK-generated grant) prunes pages of older builds from the site bucket, ' +
            'only while deploying.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
          reason: 'BucketDeployment (CDK-generated grant) aborts its own failed multipart uploads, only while deploying.',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'BucketDeployment (CDK-generated grant): cloudfront:CreateInvalidation and ' +
            'GetInvalidation, which the function calls after a deployment, take no resource ARN here.',
        },
        {
          id: 'AwsSolutions-L1',
          reason:
            'The BucketDeployment function\'s runtime is chosen by aws-cdk-lib for its bundled AWS CLI ' +
            'layer; it moves with aws-cdk-lib upgrades and runs only while deploying.',
        },
      );
    }
  }
}
