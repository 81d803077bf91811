/**
 * How the deployed stack is reached (#14 point 15): AWS WAF on the distribution (its web ACL in a
 * us-east-1 stack of its own, referenced across regions), on by default and off with context
 * waf=false; and the HTTP API reachable only through CloudFront when it has a custom domain name
 * (its execute-api endpoint disabled). Stacks are synthesised without bundling: only their
 * wiring is under test here (test/infra/stack.test.ts has the bundled stack).
 */
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addYijianStacks, type YijianStacks } from '../../infra/app-stacks';
import { commonRuleSetCountOverrides, webAclRegion, wafRateWindowSeconds } from '../../infra/edge-stack';
import { defaultWafRateLimit } from '../../infra/edge-settings';
import { maxBodyBytes } from '../../shared/http/middy-stack';
import { problemTypes } from '../../shared/http/problem';
import { readSettings } from '../../shared/settings';

const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
const region = 'ap-east-1';
let webDist: string;

const appWith = (context: Record<string, unknown> = {}) =>
  new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], webDist, ...context } });
const stacksWith = (context: Record<string, unknown> = {}, env: { region?: string } = { region }) =>
  addYijianStacks(appWith(context), { env });
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
const resourcesOf = (stack: YijianStacks['main'] | NonNullable<YijianStacks['edge']>) => Template.fromStack(stack).toJSON().Resources as Resources;
const ofType = (resources: Resources, type: string) => Object.values(resources).filter((r) => r.Type === type);
const distributionConfig = (stacks: YijianStacks) => ofType(resourcesOf(stacks.main), 'AWS::CloudFront::Distribution')[0]!.Properties.DistributionConfig;

beforeAll(() => {
  webDist = mkdtempSync(join(tmpdir(), 'yijian-web-dist-'));
  for (const page of ['index.html', 'track.html', 'console.html', '404.html']) writeFileSync(join(webDist, page), `<!doctype html><title>${page}</title>`);
  writeFileSync(join(webDist, '.built'), 'stamp\n');
});
afterAll(() => {
  if (webDist) rmSync(webDist, { recursive: true, force: true });
});

describe('AWS WAF on the distribution (on by default)', () => {
  let stacks: YijianStacks;
  let acl: Record<string, any>;
  beforeAll(() => {
    stacks = stacksWith();
    const acls = ofType(resourcesOf(stacks.edge!), 'AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(1);
    acl = acls[0]!.Properties;
  });

  it('is a CLOUDFRONT web ACL in a stack of its own in us-east-1, whatever the main region', () => {
    expect(stacks.edge!.region).toBe(webAclRegion);
    expect(stacks.main.region).toBe(region);
    expect(acl).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(ofType(resourcesOf(stacks.main), 'AWS::WAFv2::WebACL')).toEqual([]);
    // The main stack is deployed after it.
    expect(stacks.main.dependencies).toContain(stacks.edge);
  });

  it('is the distribution\'s web ACL, through a cross-region reference', () => {
    const webAclId = distributionConfig(stacks).WebACLId;
    // CDK's cross-region reference: a value read back from SSM in us-east-1 by a custom resource.
    expect(JSON.stringify(webAclId)).toMatch(/ExportsReader/);
    expect(JSON.stringify(webAclId)).toMatch(/WebAcl/);
  });

  it(`blocks a client IP after ${defaultWafRateLimit} /api/* requests in 5 minutes, with the API's 429 problem document`, () => {
    const rule = acl.Rules.find((r: any) => r.Name === 'RatePerClient');
    expect(rule.Priority).toBe(0);
    expect(rule.Statement.RateBasedStatement).toMatchObject({
      Limit: defaultWafRateLimit,
      AggregateKeyType: 'IP',
      EvaluationWindowSec: wafRateWindowSeconds,
      ScopeDownStatement: { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/api/' } },
    });
    const response = rule.Action.Block.CustomResponse;
    expect(response.ResponseCode).toBe(429);
    expect(response.ResponseHeaders).toEqual([{ Name: 'Retry-After', Value: String(wafRateWindowSeconds) }]);
    // WAF's default window, as docs/api.md states it: 5 minutes.
    expect(wafRateWindowSeconds).toBe(5 * 60);
    // infra/edge-settings.ts's sum: the room's default ceiling (2000 writes in 10 minutes) is 1000
    // writes in WAF's window, each with its challenge, and the limit leaves room for the pages' reads.
    const room = readSettings({}).roomLimit!;
    expect(room).toEqual({ limit: 2000, windowSeconds: 600 });
    const writesPerWindow = (room.limit * wafRateWindowSeconds) / room.windowSeconds;
    expect(writesPerWindow).toBe(1000);
    expect(2 * writesPerWindow).toBeLessThan(defaultWafRateLimit);
    const body = JSON.parse(acl.CustomResponseBodies[response.CustomResponseBodyKey].Content);
    expect(body).toMatchObject({ type: problemTypes.rateLimited, status: 429 });
    // No proof of work gets past the WAF: the pages must not be sent to solve one.
    expect(body.challenge).toBeUndefined();
    expect(rule.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
  });

  it('runs the AWS managed common rule set, counting (not blocking) only the rules that would refuse legitimate API requests', () => {
    const rule = acl.Rules.find((r: any) => r.Name === 'CommonRuleSet');
    expect(rule.OverrideAction).toEqual({ None: {} });
    expect(rule.Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' });
    const overrides = rule.Statement.ManagedRuleGroupStatement.RuleActionOverrides;
    expect(overrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
      { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
    ]);
    // Why each: the rule set's body limit is 8 KB, the API's is 16 KB; text is data here, never markup.
    expect(maxBodyBytes).toBeGreaterThan(8 * 1024);
    for (const reason of Object.values(commonRuleSetCountOverrides)) expect(reason.length).toBeGreaterThan(60);
    expect(acl.Rules).toHaveLength(2);
  });

  it('takes its rate from the context value wafRateLimit, and checks it', () => {
    const acl200 = ofType(resourcesOf(stacksWith({ wafRateLimit: '200' }).edge!), 'AWS::WAFv2::WebACL')[0]!.Properties;
    expect(acl200.Rules[0].Statement.RateBasedStatement.Limit).toBe(200);
    expect(() => stacksWith({ wafRateLimit: '5' })).toThrow(/wafRateLimit/);
    expect(() => stacksWith({ wafRateLimit: 'lots' })).toThrow(/wafRateLimit/);
  });

  it('needs the main stack\'s region at synth, and says how to give it', () => {
    expect(() => stacksWith({}, {})).toThrow(/-c region=<region>.*-c waf=false/);
  });

  it('passes cdk-nag with the web ACL (CFR2 not acknowledged), the cross-region reference\'s parts acknowledged', () => {
    const app = appWith();
    const { main, edge } = addYijianStacks(app, { env: { region } });
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    const acknowledged = (scope: typeof main | typeof edge) =>
      scope!.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.keys(m.data as object));
    expect(acknowledged(main).filter((id) => /CFR2/.test(id))).toEqual([]);
  });
});

describe('AWS WAF turned off (context waf=false)', () => {
  it('makes no edge stack, no web ACL, and acknowledges cdk-nag CFR2 with the reason', () => {
    const stacks = stacksWith({ waf: 'false' }, {});
    expect(stacks.edge).toBeUndefined();
    expect(distributionConfig(stacks).WebACLId).toBeUndefined();
    const reasons = stacks.main.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([id]) => /CFR2/.test(id));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]![1]).toMatch(/waf=false/);
    expect(() => stacksWith({ waf: 'maybe' })).toThrow(/context waf/);
  });
});

describe('the HTTP API reachable only through CloudFront', () => {
  const apiDomainName = 'api-origin.desk.example.org';
  const apiCertificateArn = `arn:aws:acm:${region}:123456789012:certificate/0b6a4f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b`;

  it('with a custom domain: the execute-api endpoint disabled, the domain mapped to the stage, CloudFront\'s origin', () => {
    const stacks = stacksWith({ apiDomainName, apiCertificateArn, waf: 'false' });
    const resources = resourcesOf(stacks.main);
    expect(ofType(resources, 'AWS::ApiGatewayV2::Api')[0]!.Properties.DisableExecuteApiEndpoint).toBe(true);
    expect(ofType(resources, 'AWS::ApiGatewayV2::DomainName')[0]!.Properties).toMatchObject({
      DomainName: apiDomainName,
      DomainNameConfigurations: [{ CertificateArn: apiCertificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
    });
    const mapping = ofType(resources, 'AWS::ApiGatewayV2::ApiMapping')[0]!.Properties;
    expect(mapping.Stage).toBe('$default');
    expect(mapping.ApiId).toEqual({ Ref: stacks.main.getLogicalId(stacks.main.api.node.defaultChild as any) });
    const apiOrigin = distributionConfig(stacks).Origins.find((o: any) => o.OriginCustomHeaders?.length);
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(stacks.main.getLogicalId(stacks.main.apiDomain!.node.defaultChild as any));
    expect(JSON.stringify(apiOrigin.DomainName)).not.toContain('execute-api');
    // The operator points the domain at the API (CNAME); the API's URL is the domain.
    const outputs = Template.fromStack(stacks.main).toJSON().Outputs;
    expect(outputs.ApiDomainTarget.Value).toEqual({ 'Fn::GetAtt': [stacks.main.getLogicalId(stacks.main.apiDomain!.node.defaultChild as any), 'RegionalDomainName'] });
    expect(JSON.stringify(outputs.ApiUrl.Value)).not.toContain('execute-api');
  });

  it('passes cdk-nag with a custom domain and WAF both on', () => {
    const app = appWith({ apiDomainName, apiCertificateArn });
    addYijianStacks(app, { env: { region } });
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('without one: the execute-api endpoint stays, as CloudFront\'s origin (the origin secret guards the client address)', () => {
    const stacks = stacksWith({ waf: 'false' });
    const resources = resourcesOf(stacks.main);
    expect(ofType(resources, 'AWS::ApiGatewayV2::Api')[0]!.Properties.DisableExecuteApiEndpoint).toBe(false);
    expect(ofType(resources, 'AWS::ApiGatewayV2::DomainName')).toEqual([]);
    const apiOrigin = distributionConfig(stacks).Origins.find((o: any) => o.OriginCustomHeaders?.length);
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('execute-api');
  });

  it('takes the domain and its certificate together, and checks them', () => {
    expect(() => stacksWith({ apiDomainName, waf: 'false' })).toThrow(/go together/);
    expect(() => stacksWith({ apiCertificateArn, waf: 'false' })).toThrow(/go together/);
    expect(() => stacksWith({ apiDomainName: 'not a domain', apiCertificateArn, waf: 'false' })).toThrow(/apiDomainName/);
    expect(() => stacksWith({ apiDomainName, apiCertificateArn: 'arn:aws:iam::1:x', waf: 'false' })).toThrow(/apiCertificateArn/);
  });
});
