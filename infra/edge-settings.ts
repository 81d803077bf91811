/**
 * What decides how the deployed stack is reached from the internet, from context values:
 *   waf               AWS WAF on the distribution (default on; `-c waf=false` turns it off for cost)
 *   wafRateLimit      /api/* requests per client IP in `wafRateWindowSeconds` before WAF blocks it (default `defaultWafRateLimit`)
 *   apiDomainName     a domain for the HTTP API's custom domain name (e.g. api-origin.desk.example.org)
 *   apiCertificateArn an ACM certificate for it, in the stack's region
 * With an API domain the API's execute-api endpoint is disabled and CloudFront reaches the API
 * through that domain only; without one CloudFront needs the execute-api endpoint (README).
 */
import type { IConstruct } from 'constructs';

export interface ApiDomain {
  readonly domainName: string;
  readonly certificateArn: string;
}

export interface EdgeSettings {
  readonly waf: boolean;
  readonly wafRateLimit: number;
  readonly apiDomain?: ApiDomain;
}

/**
 * Above what a training hall behind one address may do (shared/services/room.ts): the room's
 * default ceiling (YIJIAN_ROOM_LIMIT, 2000 writes in 10 minutes) is up to 1000 writes in WAF's
 * window (`wafRateWindowSeconds`, 5 minutes), each with its challenge (2000 requests), and 300
 * people also load the form, the session and their receipts (test/infra/edge.test.ts does the sum).
 */
export const defaultWafRateLimit = 5000;
/** WAF's own bounds for a rate-based rule's limit. */
const wafRateLimitBounds = { min: 10, max: 2_000_000_000 } as const;

const domainPattern = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** An ACM certificate ARN (any partition, any region: CloudFormation checks the region). */
const certificateArnPattern = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;

const flag = (name: string, value: unknown, fallback: boolean): boolean => {
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new Error(`context ${name}: expected true or false, not "${String(value)}"`);
};

export function checkApiDomain(domain: ApiDomain): ApiDomain {
  if (!domainPattern.test(domain.domainName)) throw new Error(`apiDomainName: "${domain.domainName}" is not a domain name (lower case)`);
  if (!certificateArnPattern.test(domain.certificateArn)) {
    throw new Error(`apiCertificateArn: "${domain.certificateArn}" is not an ACM certificate ARN`);
  }
  return domain;
}

export function checkEdgeSettings(settings: EdgeSettings): EdgeSettings {
  const limit = settings.wafRateLimit;
  if (!Number.isSafeInteger(limit) || limit < wafRateLimitBounds.min || limit > wafRateLimitBounds.max) {
    throw new Error(`wafRateLimit: expected a whole number of requests from ${wafRateLimitBounds.min}, not "${limit}"`);
  }
  if (settings.apiDomain !== undefined) checkApiDomain(settings.apiDomain);
  return settings;
}

/** The settings from the context values, each overridden by `overrides` when given there. */
export function edgeSettingsFrom(scope: IConstruct, overrides: Partial<EdgeSettings> = {}): EdgeSettings {
  const context = (name: string): unknown => scope.node.tryGetContext(name);
  const domainName = context('apiDomainName');
  const certificateArn = context('apiCertificateArn');
  const given = (value: unknown) => value !== undefined && value !== '';
  if (given(domainName) !== given(certificateArn)) {
    throw new Error('apiDomainName and apiCertificateArn go together: give both, or neither');
  }
  const apiDomain = given(domainName) ? { domainName: String(domainName), certificateArn: String(certificateArn) } : undefined;
  return checkEdgeSettings({
    waf: overrides.waf ?? flag('waf', context('waf'), true),
    wafRateLimit: overrides.wafRateLimit ?? Number(context('wafRateLimit') ?? defaultWafRateLimit),
    ...('apiDomain' in overrides ? (overrides.apiDomain ? { apiDomain: overrides.apiDomain } : {}) : apiDomain ? { apiDomain } : {}),
  });
}
