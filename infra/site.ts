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
 *
 * This construct puts the parts together, each from its own file:
 *   site-buckets.ts              the pages bucket and its access-log bucket
 *   site-headers.ts              the response headers policy (CSP)
 *   site-edge-functions.ts       the two CloudFront Functions
 *   site-distribution.ts         the distribution and its behaviors
 *   site-pages.ts                the deployments of the pages and /config.json
 *   site-deployment-findings.ts  cdk-nag findings of the CDK's deployment function
 */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { Distribution, Function as EdgeFunction, ResponseHeadersPolicy } from 'aws-cdk-lib/aws-cloudfront';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { BucketDeployment } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { createSiteBuckets } from './site-buckets';
import { acknowledgeDeploymentHandler } from './site-deployment-findings';
import { createDistribution, type StreamingOrigin } from './site-distribution';
import { createPageRewrite, createViewerIp } from './site-edge-functions';
import { createSecurityHeaders } from './site-headers';
import { deploySitePages } from './site-pages';

// What test/infra checks the template against, where it has always imported it from.
export { contentSecurityPolicy } from './site-headers';
export { pageRewriteCode, viewerIpCode } from './site-edge-functions';
export { consoleConfigKeys } from './site-pages';

export interface SiteProps {
  /** The folder of the built pages (vite build); a placeholder is deployed when it is missing. */
  readonly webDist: string;
  /** The API's host name: its custom domain name, else its execute-api host. */
  readonly apiOrigin: string;
  /** The WAF web ACL of the distribution; none when WAF is off. */
  readonly webAclArn?: string;
  /** The streaming routes, each served by its function URL. */
  readonly streaming: readonly StreamingOrigin[];
  /** Published as /config.json; may hold deploy-time values (tokens). */
  readonly consoleConfig: Readonly<Record<string, unknown>>;
  /** Extra connect-src sources of the CSP (Cognito). */
  readonly connectSources: readonly string[];
  /** The attachments bucket's origin (infra/attachments-bucket.ts), for uploads and signed files. */
  readonly objectStore?: string;
  /**
   * The origin secret (a deploy-time token, infra/origin-verify.ts), sent to the API origin as
   * X-Origin-Verify on every request.
   */
  readonly originVerifySecret: string;
}

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

    // Every part in this construct's scope, in this order: the construct ids (and the order of the
    // template) are those of the deployed stack, and a changed id would replace the resource.
    const { bucket, logBucket } = createSiteBuckets(this);
    this.logBucket = logBucket;
    this.bucket = bucket;
    this.responseHeaders = createSecurityHeaders(this, props.connectSources, props.objectStore);
    this.pageRewrite = createPageRewrite(this);
    this.viewerIp = createViewerIp(this);
    this.distribution = createDistribution(this, {
      bucket,
      responseHeaders: this.responseHeaders,
      pageRewrite: this.pageRewrite,
      viewerIp: this.viewerIp,
      apiOrigin: props.apiOrigin,
      streaming: props.streaming,
      originVerifySecret: props.originVerifySecret,
      webAclArn: props.webAclArn,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    const pages = deploySitePages(this, {
      webDist: props.webDist,
      bucket,
      distribution: this.distribution,
      consoleConfig: props.consoleConfig,
    });
    this.pagesDir = pages.pagesDir;
    this.usesPlaceholder = pages.usesPlaceholder;
    this.assetsDeployment = pages.assetsDeployment;
    this.pagesDeployment = pages.pagesDeployment;
    this.configDeployment = pages.configDeployment;
    acknowledgeDeploymentHandler(this);

    new CfnOutput(stack, 'SiteUrl', { value: this.url, description: 'The web pages and /api, on one origin' });
    new CfnOutput(stack, 'ConsoleUrl', {
      value: `${this.url}/console`,
      description: 'The staff console: set it as context consoleUrl (Cognito callback URL) and deploy again',
    });
    new CfnOutput(stack, 'DistributionId', { value: this.distribution.distributionId });
    new CfnOutput(stack, 'SiteBucketName', { value: this.bucket.bucketName });
  }
}
