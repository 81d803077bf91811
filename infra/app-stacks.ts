/**
 * The stacks of the deployed yijian, as infra/app.ts makes them (and test/infra makes them too):
 *   YijianStack  everything, in the region of the deployment
 *   YijianEdge   the WAF web ACL of the distribution, in us-east-1 as CloudFront requires
 *                (infra/edge-stack.ts); only while WAF is on (context waf, default on)
 * The main stack takes the web ACL's ARN through a cross-region reference, which CDK can make
 * only when it knows the main stack's region at synth: `cdk deploy` does (from the profile), an
 * offline synth needs CDK_DEFAULT_REGION or `-c region=...` (or `-c waf=false`).
 */
import type { App, Environment } from 'aws-cdk-lib';
import { YijianEdgeStack, webAclRegion } from './edge-stack';
import { edgeSettingsFrom } from './edge-settings';
import { YijianStack, type YijianStackProps } from './yijian-stack';

export interface YijianStacks {
  readonly main: YijianStack;
  readonly edge?: YijianEdgeStack;
}

export function addYijianStacks(app: App, props: Omit<YijianStackProps, 'webAclArn' | 'crossRegionReferences'> & { env: Environment }): YijianStacks {
  const { waf, wafRateLimit } = edgeSettingsFrom(app);
  if (!waf) return { main: new YijianStack(app, 'YijianStack', props) };
  if (props.env.region === undefined) {
    throw new Error(
      'AWS WAF (on by default) lives in us-east-1 and is referenced from the main stack across regions, ' +
        'which needs the main stack\'s region at synth: deploy with a profile or CDK_DEFAULT_REGION, ' +
        'synth with -c region=<region>, or turn WAF off with -c waf=false',
    );
  }
  const edge = new YijianEdgeStack(app, 'YijianEdge', {
    description: 'yijian (意见箱): the WAF web ACL of the site\'s CloudFront distribution (us-east-1)',
    env: { account: props.env.account, region: webAclRegion },
    rateLimit: wafRateLimit,
  });
  const main = new YijianStack(app, 'YijianStack', { ...props, webAclArn: edge.webAcl.attrArn, crossRegionReferences: true });
  main.addDependency(edge, 'the distribution names the web ACL');
  return { main, edge };
}
