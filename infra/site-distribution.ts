/**
 * The site's CloudFront distribution and its behaviors, first match wins:
 *   <streaming route>  the function URL of its handler (HTTP APIs cannot stream), through origin
 *                      access control for Lambda
 *   /api/*             the HTTP API (its custom domain when it has one), with the viewer's address
 *                      and the origin secret
 *   default            the pages bucket, through origin access control
 * The dynamic behaviors cache nothing; every behavior sends the one response headers policy; the
 * WAF web ACL of infra/edge-stack.ts guards the whole distribution while WAF is on.
 */
import { Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionEventType,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ViewerProtocolPolicy,
  type BehaviorOptions,
  type IOrigin,
  type Function as EdgeFunction,
  type ResponseHeadersPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { originVerifyHeader } from '../shared/http/client-address';
import { streamTimeout } from './stream-settings';

export interface StreamingOrigin {
  /** The route path (`{param}` segments become `*` in the behavior's path pattern). */
  readonly path: string;
  readonly methods: readonly string[];
  readonly url: FunctionUrl;
}

export interface SiteDistributionProps {
  readonly bucket: Bucket;
  readonly responseHeaders: ResponseHeadersPolicy;
  /** Viewer request of the default behavior (infra/site-edge-functions.ts). */
  readonly pageRewrite: EdgeFunction;
  /** Viewer request of /api/* (infra/site-edge-functions.ts). */
  readonly viewerIp: EdgeFunction;
  /** The API's host name: its custom domain name, else its execute-api host. */
  readonly apiOrigin: string;
  readonly streaming: readonly StreamingOrigin[];
  /** Sent to the API origin as X-Origin-Verify (infra/origin-verify.ts). */
  readonly originVerifySecret: string;
  /** The WAF web ACL of the distribution (infra/edge-stack.ts); none when WAF is off. */
  readonly webAclArn?: string;
}

/** `Distribution` in `scope` (the site). */
export function createDistribution(scope: Construct, props: SiteDistributionProps): Distribution {
  // The API and the streaming functions answer per request: nothing is cached, and every viewer
  // header but Host (the origins check Host against their own domain) is passed on. With caching
  // disabled, this managed policy also passes Authorization (an origin request policy of our own
  // could not), which the API's staff routes need (for a function URL, origin access control then
  // puts its own signature there, and the token travels in X-Yijian-Authorization).
  const dynamic = {
    viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
    cachePolicy: CachePolicy.CACHING_DISABLED,
    originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    responseHeadersPolicy: props.responseHeaders,
  } satisfies Partial<BehaviorOptions>;

  const additionalBehaviors: Record<string, BehaviorOptions> = {};
  // A streaming function's URL takes only requests signed by CloudFront for this distribution
  // (origin access control for Lambda, SigV4 always; its URL's auth type is AWS_IAM). The
  // signature takes the Authorization header, so the console sends its token in
  // X-Yijian-Authorization, which the function verifies (shared/http/staff-token.ts).
  const byPattern = new Map<string, { url: FunctionUrl; methods: Set<string> }>();
  for (const route of props.streaming) {
    const pattern = route.path.replace(/\{[^}]+\}/g, '*');
    const entry = byPattern.get(pattern) ?? { url: route.url, methods: new Set<string>() };
    if (entry.url !== route.url) throw new Error(`streaming routes of ${pattern} are served by different function URLs`);
    route.methods.forEach((method) => entry.methods.add(method));
    byPattern.set(pattern, entry);
  }
  const origins = new Map<FunctionUrl, IOrigin>();
  for (const [pattern, { url, methods }] of byPattern) {
    // The function's own timeout (`streamTimeout`): a large export may take a while before its first bytes.
    const origin = origins.get(url) ?? FunctionUrlOrigin.withOriginAccessControl(url, { readTimeout: streamTimeout });
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
    origin: new HttpOrigin(props.apiOrigin, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      customHeaders: { [originVerifyHeader]: props.originVerifySecret },
    }),
    allowedMethods: AllowedMethods.ALLOW_ALL,
    functionAssociations: [{ function: props.viewerIp, eventType: FunctionEventType.VIEWER_REQUEST }],
  };

  const distribution = new Distribution(scope, 'Distribution', {
    comment: 'yijian: web pages and /api on one origin',
    ...(props.webAclArn === undefined ? {} : { webAclId: props.webAclArn }),
    defaultRootObject: 'index.html',
    httpVersion: HttpVersion.HTTP2_AND_3,
    defaultBehavior: {
      origin: S3BucketOrigin.withOriginAccessControl(props.bucket),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      compress: true,
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: props.responseHeaders,
      functionAssociations: [{ function: props.pageRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
    },
    additionalBehaviors,
  });
  Validations.of(distribution).acknowledge(
    {
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction on purpose: the desk is open to every submitter and staff member ' +
        'wherever they are (travel, roaming); nothing it serves is restricted by country.',
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
  if (props.webAclArn === undefined) {
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'AWS WAF is turned off with the context value waf=false, for cost (a web ACL, its rules and ' +
        'its requests are billed). Abuse of the API is then bounded by the HTTP API stage throttling ' +
        'and the handlers\' rate limits on public writes only.',
    });
  }
  return distribution;
}
