import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDeps } from '../../shared/deps';
import { httpHandler, json } from '../../shared/http/handler';
import { originVerifyEnvName } from '../../shared/settings';
import {
  carriesOriginSecret,
  chooseClientAddress,
  clientGroup,
  normaliseIp,
  originVerifyHeader,
  viewerIpHeader,
} from '../../shared/http/client-address';
import { lambdaContext } from '../../local/lambda-context';
import { apiGatewayEvent } from '../support/api-event';

/** Which address the per-client limits count (shared/http/client-address.ts). */

const secret = 'c2VjcmV0LW9mLXRoZS1kaXN0cmlidXRpb24tMDEyMzQ1Njc4OQ';
const edge = '130.176.98.12';
const through = (viewer: string, verify: string | null = secret): Record<string, string> => ({
  [viewerIpHeader]: viewer,
  ...(verify === null ? {} : { [originVerifyHeader]: verify }),
});

describe('the address a request is counted by', () => {
  it('is the viewer\'s address when the request carries the origin secret', () => {
    expect(chooseClientAddress(through('198.51.100.7'), edge, secret)).toBe('198.51.100.7');
  });

  it('is API Gateway\'s sourceIp when the secret is wrong, missing, empty or not configured', () => {
    expect(chooseClientAddress(through('198.51.100.7', `${secret}x`), edge, secret)).toBe(edge);
    expect(chooseClientAddress(through('198.51.100.7', secret.slice(0, -1)), edge, secret)).toBe(edge);
    expect(chooseClientAddress(through('198.51.100.7', secret.toUpperCase()), edge, secret)).toBe(edge);
    expect(chooseClientAddress(through('198.51.100.7', ''), edge, secret)).toBe(edge);
    expect(chooseClientAddress(through('198.51.100.7', null), edge, secret)).toBe(edge);
    // Locally, and on functions that do not rate limit: no secret, so no header is believed.
    expect(chooseClientAddress(through('198.51.100.7'), edge, undefined)).toBe(edge);
    expect(chooseClientAddress(through('198.51.100.7', ''), edge, '')).toBe(edge);
  });

  it('is sourceIp when the viewer header is missing or not one IP address', () => {
    for (const bad of ['', ' 198.51.100.7', '198.51.100.7 ', '198.51.100.7, 203.0.113.9', 'localhost', '198.51.100.256', '01.2.3.4',
      '198.51.100.7:99999', '198.51.100.7:', '[198.51.100.7]:443', '[2001:db8::1', 'fe80::1%eth0', `${'1'.repeat(70)}`, 'unknown']) {
      expect(chooseClientAddress(through(bad), edge, secret), JSON.stringify(bad)).toBe(edge);
    }
    expect(chooseClientAddress({ [originVerifyHeader]: secret }, edge, secret)).toBe(edge);
  });

  it('drops the port, where one can be told from the address', () => {
    expect(chooseClientAddress(through('198.51.100.7:46532'), edge, secret)).toBe('198.51.100.7');
    expect(chooseClientAddress(through('[2001:db8:1:2::7]:46532'), edge, secret)).toBe('2001:db8:1:2::/64');
    expect(normaliseIp('[2001:db8::7]')).toBe('2001:db8:0:0:0:0:0:7');
    // Unbracketed, the last group cannot be told from a port: the value is one valid address.
    expect(normaliseIp('2001:db8::7:443')).toBe('2001:db8:0:0:0:0:7:443');
  });

  it('takes IPv4-mapped IPv6 as the IPv4 address, in either spelling', () => {
    expect(chooseClientAddress(through('::ffff:198.51.100.7'), edge, secret)).toBe('198.51.100.7');
    expect(chooseClientAddress(through('[::FFFF:198.51.100.7]:443'), edge, secret)).toBe('198.51.100.7');
    expect(chooseClientAddress(through('::ffff:c633:6407'), edge, secret)).toBe('198.51.100.7');
    expect(chooseClientAddress({}, '::ffff:198.51.100.7', secret)).toBe('198.51.100.7');
    // Only ::ffff:0:0/96 maps IPv4; other IPv6 addresses with a dotted tail stay IPv6.
    expect(normaliseIp('64:ff9b::198.51.100.7')).toBe('64:ff9b:0:0:0:0:c633:6407');
  });

  it('counts an IPv6 client by its /64: a device\'s changing addresses are one client, the next /64 another', () => {
    const a = chooseClientAddress(through('2001:db8:aa:bb:1111:2222:3333:4444'), edge, secret);
    const b = chooseClientAddress(through('2001:DB8:AA:BB::9'), edge, secret);
    const c = chooseClientAddress(through('2001:0db8:00aa:00bb:ffff::'), edge, secret);
    expect(a).toBe('2001:db8:aa:bb::/64');
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(chooseClientAddress(through('2001:db8:aa:bc::1'), edge, secret)).toBe('2001:db8:aa:bc::/64');
    expect(chooseClientAddress(through('::1'), edge, secret)).toBe('0:0:0:0::/64');
    // Direct calls over IPv6 are grouped the same way.
    expect(chooseClientAddress({}, '2001:db8:aa:bb::5', undefined)).toBe(a);
    expect(clientGroup('198.51.100.7')).toBe('198.51.100.7');
  });

  it('passes an unusable sourceIp on as it is (empty: the request is not counted)', () => {
    expect(chooseClientAddress({}, '', secret)).toBe('');
    expect(chooseClientAddress({}, 'test-invoke-source-ip', secret)).toBe('test-invoke-source-ip');
  });

  it('compares the secret in constant time, by digest', () => {
    expect(carriesOriginSecret(secret, secret)).toBe(true);
    expect(carriesOriginSecret(undefined, secret)).toBe(false);
    expect(carriesOriginSecret(secret, undefined)).toBe(false);
    expect(carriesOriginSecret('', '')).toBe(false);
  });
});

describe('the handler, with the secret in its environment', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  const event = (headers: Record<string, string>, sourceIp = edge): APIGatewayProxyEventV2 =>
    apiGatewayEvent({ method: 'GET', sourceIp, headers: { host: 'desk.example', ...headers } });
  const context = lambdaContext('yijian-test', { timeoutMs: 10_000 });

  /** The handler on deps read from an environment with (or without) the secret. */
  const seenBy = async (environment: string | undefined, headers: Record<string, string>) => {
    let seen: { headers: Record<string, string>; sourceIp: string; clientAddress: string } | undefined;
    const handler = httpHandler({}, async (request) => {
      seen = { headers: { ...request.headers }, sourceIp: request.sourceIp, clientAddress: request.clientAddress };
      return json(200, {});
    }).withDeps(createDeps(environment === undefined ? {} : { [originVerifyEnvName]: environment }));
    const response = (await handler(event(headers), context)) as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(200);
    return seen!;
  };

  it('gives the handler the viewer\'s address, and neither the secret nor the viewer header', async () => {
    // Header names arrive in any case; CloudFront sends them as configured.
    const seen = await seenBy(secret, { 'X-Origin-Verify': secret, 'X-Yijian-Viewer-Ip': '198.51.100.7', accept: 'application/json' });
    expect(seen.clientAddress).toBe('198.51.100.7');
    expect(seen.sourceIp).toBe(edge);
    expect(seen.headers).toEqual({ host: 'desk.example', accept: 'application/json' });
    expect(JSON.stringify(seen.headers)).not.toContain(secret);
  });

  it('counts by sourceIp when the secret is wrong, and when none is configured', async () => {
    expect((await seenBy(secret, { 'x-origin-verify': 'guess', 'x-yijian-viewer-ip': '198.51.100.7' })).clientAddress).toBe(edge);
    const off = await seenBy(undefined, { 'x-origin-verify': secret, 'x-yijian-viewer-ip': '198.51.100.7' });
    expect(off.clientAddress).toBe(edge);
    expect(off.headers).toEqual({ host: 'desk.example' });
  });

  it('refuses, at cold start (a handler module builds its handler at load), a secret too short to be one', async () => {
    vi.stubEnv(originVerifyEnvName, 'short');
    vi.resetModules();
    const fresh = await import('../../shared/http/handler');
    expect(() => fresh.httpHandler({}, async () => fresh.json(200, {}))).toThrow(new RegExp(`${originVerifyEnvName} must be at least`));
  });
});
