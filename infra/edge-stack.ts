/**
 * The edge stack: the AWS WAF web ACL of the site's CloudFront distribution. A web ACL for
 * CloudFront (scope CLOUDFRONT) must be created in us-east-1 whatever the region of the rest, so it
 * is a stack of its own there, and the main stack takes its ARN through a cross-region reference
 * (`crossRegionReferences`: CDK writes it to SSM in us-east-1 and reads it back in the main
 * region). Deploy order is handled by `cdk deploy --all` (the main stack depends on this one).
 *
 * The rules, in order:
 *   1. RatePerClient   at most `wafRateLimit` /api/* requests per client IP in `wafRateWindowSeconds`, then
 *                      429 with the API's own rate-limited problem document. Pages are not
 *                      counted: a training session's venue behind one NAT loads many pages at once.
 *   2. CommonRuleSet   AWSManagedRulesCommonRuleSet, with the rules that refuse legitimate
 *                      requests of this API set to count (`commonRuleSetCountOverrides`).
 */
import { Stack, Token, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { maxBodyBytes } from '../shared/http/middy-stack';
import { problems } from '../shared/http/problem';

export const webAclRegion = 'us-east-1';
/** WAF counts a rate-based rule over this window (its default; docs/api.md states it: test/infra/edge.test.ts ties them). */
export const wafRateWindowSeconds = 300;

/**
 * The common rule set's rules whose block would refuse requests the API must take, each set to
 * count (still seen in WAF's metrics and sampled requests) with the reason.
 */
export const commonRuleSetCountOverrides = {
  SizeRestrictions_BODY:
    `blocks bodies over 8 KB; the API takes up to ${maxBodyBytes} bytes (a 5,000-character Chinese ` +
    'submission is about 15 KB in UTF-8, a directory PUT more) and refuses more itself with a 413 problem document',
  CrossSiteScripting_BODY:
    'blocks text that looks like HTML or script; submissions, follow-ups and replies are plain text that ' +
    'people may write with angle brackets, stored as text and shown escaped behind a strict CSP, never run',
} as const;

const rateLimitedBodyKey = 'rate-limited';

export interface EdgeStackProps extends StackProps {
  /** /api/* requests per client IP in `wafRateWindowSeconds`. */
  readonly rateLimit: number;
}

export class YijianEdgeStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    if (Token.isUnresolved(this.region) || this.region !== webAclRegion) {
      throw new Error(`the web ACL of a CloudFront distribution must be created in ${webAclRegion}, not ${this.region}`);
    }
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
    // No `challenge` in it: a proof of work does not get past the WAF.
    const tooMany = problems.rateLimited(wafRateWindowSeconds, { proofHelps: false });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: 'yijian-site',
      description: 'yijian: per-client rate limit on /api/ requests, and the AWS managed common rule set',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('yijian-site'),
      customResponseBodies: {
        [rateLimitedBodyKey]: { contentType: 'APPLICATION_JSON', content: JSON.stringify(tooMany.toDocument()) },
      },
      rules: [
        {
          name: 'RatePerClient',
          priority: 0,
          statement: {
            rateBasedStatement: {
              limit: props.rateLimit,
              evaluationWindowSec: wafRateWindowSeconds,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: '/api/',
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: rateLimitedBodyKey,
                responseHeaders: Object.entries(tooMany.headers).map(([name, value]) => ({ name, value })),
              },
            },
          },
          visibilityConfig: visibility('yijian-rate-per-client'),
        },
        {
          name: 'CommonRuleSet',
          priority: 1,
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              ruleActionOverrides: Object.keys(commonRuleSetCountOverrides).map((name) => ({ name, actionToUse: { count: {} } })),
            },
          },
          overrideAction: { none: {} },
          visibilityConfig: visibility('yijian-common-rule-set'),
        },
      ],
    });
  }
}
