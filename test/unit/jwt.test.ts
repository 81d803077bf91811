import { execFileSync } from 'node:child_process';
import { constants, createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwkInvalidUseError,
  JwksValidationError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidScopeError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  NonRetryableFetchError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpHandler, json } from '../../shared/http/handler';
import { createAccessTokenVerifier, verifyBearerToken, type AccessTokenCheck, type JwtClaims } from '../../shared/http/jwt';
import { logger } from '../../shared/observability/logger';
import { leakPattern } from '../support/stack';

/**
 * The access token check of the streaming export function (shared/http/jwt.ts, on aws-jwt-verify),
 * against real RSA keys made here and a real JWKS endpoint on 127.0.0.1, as Cognito's would serve
 * it: every way a token can be wrong is refused for its own reason, key rotation is picked up,
 * and the JWKS is fetched no more often than it should be. The reasons are aws-jwt-verify's error
 * classes; the client never sees them (the middleware answers one 401 for all).
 */

const issuer = 'https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_TestPool';
const clientId = 'yijian-console-test-client';
const t0 = Date.UTC(2027, 2, 1, 1, 0, 0);
const t0s = t0 / 1000;

const rsa = (modulusLength = 2048) => generateKeyPairSync('rsa', { modulusLength });
const keys = { k1: rsa(), k2: rsa(), k3: rsa() };
/** A member of the JWKS as Cognito publishes it (alg RS256, use sig). */
const jwkOf = (publicKey: KeyObject, kid: string, extra: Record<string, unknown> = {}) => ({
  ...publicKey.export({ format: 'jwk' }),
  kid,
  alg: 'RS256',
  use: 'sig',
  ...extra,
});

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A Cognito access token's claims (what the user pool puts in one), valid at t0 for an hour. */
const accessClaims = (extra: Record<string, unknown> = {}): JwtClaims => ({
  sub: 'office-1',
  'cognito:groups': ['office'],
  iss: issuer,
  client_id: clientId,
  origin_jti: randomUUID(),
  event_id: randomUUID(),
  token_use: 'access',
  scope: 'openid profile',
  auth_time: t0s - 60,
  exp: t0s + 3600,
  iat: t0s - 60,
  jti: randomUUID(),
  username: 'office-1',
  ...extra,
});

/** RS256 over `header.payload`, with node:crypto: no JOSE library involved on the signing side. */
const signRs256 = (header: Record<string, unknown>, claims: unknown, privateKey: KeyObject) => {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
};
const token = (claims: unknown = accessClaims(), kid = 'k1', privateKey = keys.k1.privateKey) => signRs256({ alg: 'RS256', kid, typ: 'JWT' }, claims, privateKey);

// ---------------------------------------------------------------------------------------------
// The JWKS endpoint: what it serves can be changed, and it counts its requests.

interface Endpoint {
  jwks: unknown;
  mode: 'ok' | 'error' | 'garbage' | 'hang';
  requests: number;
}
const endpoint: Endpoint = { jwks: { keys: [] }, mode: 'ok', requests: 0 };
const serve = (request: IncomingMessage, response: ServerResponse) => {
  endpoint.requests++;
  if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
  switch (endpoint.mode) {
    case 'error':
      return void response.writeHead(500).end('{"keys":[]}');
    case 'garbage':
      return void response.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json</html>');
    case 'hang':
      return; // never answers
    default:
      return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(endpoint.jwks));
  }
};

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: Server) => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
};

const server = createHttpServer(serve);
let jwksUri: string;

/** The clock aws-jwt-verify reads (Date.now); timers stay real unless a test fakes them too. */
const setClock = (ms: number) => vi.setSystemTime(ms);

beforeAll(async () => {
  jwksUri = `http://${await listen(server)}/.well-known/jwks.json`;
});
afterAll(async () => {
  await close(server);
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: t0 });
  endpoint.jwks = { keys: [jwkOf(keys.k1.publicKey, 'k1')] };
  endpoint.mode = 'ok';
  endpoint.requests = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

const verifier = (check: Partial<AccessTokenCheck> = {}) => createAccessTokenVerifier({ issuer, clientId, jwksUri, ...check });

/** The name of the aws-jwt-verify error a token is refused with, or 'accepted'. */
const outcome = async (verify: (token: string) => Promise<JwtClaims>, candidate: string): Promise<string> => {
  try {
    await verify(candidate);
    return 'accepted';
  } catch (error) {
    return (error as Error).constructor.name;
  }
};
/** A kid the cache does not know: looked up in a fresh JWKS, or refused at once within the penalty period after a miss. */
const unknownKey = [KidNotFoundInJwksError.name, WaitPeriodNotYetEndedJwkError.name];

describe('a valid access token', () => {
  it('is accepted, with its claims as signed', async () => {
    const claims = accessClaims();
    await expect(verifier()(token(claims))).resolves.toEqual(claims);
    expect(endpoint.requests).toBe(1);
  });

  it('is accepted when an independent implementation (jose) signed it', async () => {
    const { iss: _, exp: __, iat: ___, ...claims } = accessClaims();
    const signed = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
      .setIssuer(issuer)
      .setIssuedAt(t0s)
      .setExpirationTime(t0s + 3600)
      .sign(keys.k1.privateKey);
    await expect(verifier()(signed)).resolves.toMatchObject({ ...claims, iss: issuer, iat: t0s, exp: t0s + 3600 });
  });

  it('is accepted from its iat (even one a little ahead of our clock) up to the second before its exp', async () => {
    const verify = verifier();
    const claims = accessClaims({ iat: t0s + 5, nbf: t0s, exp: t0s + 10 });
    expect(await outcome(verify, token(claims))).toBe('accepted');
    setClock(t0 + 9_999);
    expect(await outcome(verify, token(claims))).toBe('accepted');
    setClock(t0 + 10_000);
    expect(await outcome(verify, token(claims))).toBe(JwtExpiredError.name);
  });

  it('is accepted with the openid scope alone, or among others', async () => {
    const verify = verifier();
    for (const scope of ['openid', 'profile openid', 'openid email phone profile aws.cognito.signin.user.admin']) {
      expect(await outcome(verify, token(accessClaims({ scope }))), scope).toBe('accepted');
    }
  });
});

describe('a token is refused', () => {
  it('when it has expired, or has no expiry', async () => {
    const verify = verifier();
    expect(await outcome(verify, token(accessClaims({ exp: t0s - 1 })))).toBe(JwtExpiredError.name);
    expect(await outcome(verify, token(accessClaims({ exp: t0s })))).toBe(JwtExpiredError.name);
    expect(await outcome(verify, token(accessClaims({ exp: undefined })))).toBe(JwtExpiredError.name);
    expect(await outcome(verify, token(accessClaims({ exp: String(t0s + 3600) })))).toBe(JwtParseError.name);
    expect(await outcome(verify, token(accessClaims({ iat: 'yesterday' })))).toBe(JwtParseError.name);
  });

  it('when it is not valid yet', async () => {
    const verify = verifier();
    expect(await outcome(verify, token(accessClaims({ nbf: t0s + 1 })))).toBe(JwtNotBeforeError.name);
    expect(await outcome(verify, token(accessClaims({ nbf: t0s })))).toBe('accepted');
    expect(await outcome(verify, token(accessClaims({ nbf: null })))).toBe(JwtParseError.name);
  });

  it('when another issuer (another pool, or the same URL spelt differently) signed it', async () => {
    const verify = verifier();
    for (const iss of ['https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_OtherPool', `${issuer}/`, issuer.toUpperCase(), undefined]) {
      expect(await outcome(verify, token(accessClaims({ iss }))), JSON.stringify(iss)).toBe(JwtInvalidIssuerError.name);
    }
    expect(await outcome(verify, token(accessClaims({ iss: [issuer] })))).toBe(JwtParseError.name);
  });

  it('when it is for another app client', async () => {
    const verify = verifier();
    expect(await outcome(verify, token(accessClaims({ client_id: 'another-client' })))).toBe(CognitoJwtInvalidClientIdError.name);
    expect(await outcome(verify, token(accessClaims({ client_id: undefined, aud: clientId })))).toBe(CognitoJwtInvalidClientIdError.name);
  });

  it('when it is an ID token of our pool and client, not an access token', async () => {
    const { client_id: _, scope: __, ...rest } = accessClaims();
    const idToken = { ...rest, token_use: 'id', aud: clientId, email: 'office@example.org' };
    // As Cognito issues it (no scope), and with a scope added: refused either way.
    expect(await outcome(verifier(), token(idToken))).toBe(JwtInvalidScopeError.name);
    expect(await outcome(verifier(), token({ ...idToken, scope: 'openid' }))).toBe(CognitoJwtInvalidTokenUseError.name);
    expect(await outcome(verifier(), token(accessClaims({ token_use: undefined })))).toBe(CognitoJwtInvalidTokenUseError.name);
  });

  it('when it lacks the openid scope (as the API\'s authorizer requires it)', async () => {
    const verify = verifier();
    for (const scope of [undefined, '', 'profile', 'openid2 profile', 'OPENID', 'aws.cognito.signin.user.admin']) {
      expect(await outcome(verify, token(accessClaims({ scope }))), String(scope)).toBe(JwtInvalidScopeError.name);
    }
    expect(await outcome(verify, token(accessClaims({ scope: ['openid'] })))).toBe(JwtParseError.name);
  });

  it('when it is unsigned (alg none), whatever else it carries', async () => {
    const verify = verifier();
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(accessClaims())}`;
    expect(await outcome(verify, `${unsigned}.`)).toBe(JwtParseError.name);
    expect(await outcome(verify, unsigned)).toBe(JwtParseError.name);
    // With a signature segment, and with the kid of a real key, `none` is refused for what it is.
    const [, , realSignature] = token().split('.');
    for (const alg of ['none', 'None', 'NONE', '']) {
      expect(await outcome(verify, `${b64({ alg, kid: 'k1' })}.${b64(accessClaims())}.${realSignature}`), alg).toBe(JwtInvalidSignatureAlgorithmError.name);
    }
    expect(await outcome(verify, `${b64({ alg: null, kid: 'k1' })}.${b64(accessClaims())}.${realSignature}`)).toBe(JwtParseError.name);
  });

  it('when it is HS256, signed with our public key as the HMAC secret', async () => {
    const verify = verifier();
    const jwk = jwkOf(keys.k1.publicKey, 'k1');
    const secrets = [
      keys.k1.publicKey.export({ format: 'pem', type: 'spki' }),
      keys.k1.publicKey.export({ format: 'pem', type: 'pkcs1' }),
      keys.k1.publicKey.export({ format: 'der', type: 'spki' }),
      JSON.stringify(jwk),
      Buffer.from(jwk.n as string, 'base64url'),
    ];
    for (const secret of secrets) {
      const input = `${b64({ alg: 'HS256', kid: 'k1', typ: 'JWT' })}.${b64(accessClaims())}`;
      const forged = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      expect(await outcome(verify, forged)).toBe(JwtInvalidSignatureAlgorithmError.name);
    }
  });

  it('when it is signed with another RSA algorithm, even by our own key', async () => {
    const verify = verifier();
    const input = `${b64({ alg: 'RS512', kid: 'k1' })}.${b64(accessClaims())}`;
    expect(await outcome(verify, `${input}.${sign('sha512', Buffer.from(input), keys.k1.privateKey).toString('base64url')}`)).toBe(JwtInvalidSignatureAlgorithmError.name);
    const pss = `${b64({ alg: 'PS256', kid: 'k1' })}.${b64(accessClaims())}`;
    expect(await outcome(verify, `${pss}.${sign('sha256', Buffer.from(pss), { key: keys.k1.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING }).toString('base64url')}`)).toBe(
      JwtInvalidSignatureAlgorithmError.name,
    );
  });

  it('when its kid is not in the JWKS, or it has none (and then no key is tried)', async () => {
    const verify = verifier();
    // Signed by a key the pool does not have, under a kid it does not have.
    expect(await outcome(verify, token(accessClaims(), 'k3', keys.k3.privateKey))).toBe(KidNotFoundInJwksError.name);
    // Signed by a stranger's key under one of the pool's kids: the signature fails.
    expect(await outcome(verify, token(accessClaims(), 'k1', keys.k3.privateKey))).toBe(JwtInvalidSignatureError.name);
    expect(await outcome(verify, signRs256({ alg: 'RS256' }, accessClaims(), keys.k1.privateKey))).toBe(JwtWithoutValidKidError.name);
    expect(await outcome(verify, signRs256({ alg: 'RS256', kid: 1 }, accessClaims(), keys.k1.privateKey))).toBe(JwtParseError.name);
    expect(unknownKey).toContain(await outcome(verify, signRs256({ alg: 'RS256', kid: '__proto__' }, accessClaims(), keys.k1.privateKey)));
  });

  it('when it brings its own key (jwk, jku, x5u headers are never used)', async () => {
    const verify = verifier();
    const header = { alg: 'RS256', kid: 'k3', jwk: jwkOf(keys.k3.publicKey, 'k3'), jku: jwksUri, x5u: jwksUri };
    expect(await outcome(verify, signRs256(header, accessClaims(), keys.k3.privateKey))).toBe(KidNotFoundInJwksError.name);
  });

  it('when its payload was changed after signing', async () => {
    const verify = verifier();
    const [header, , signature] = token().split('.');
    const promoted = b64(accessClaims({ 'cognito:groups': ['office', 'leader'] }));
    expect(await outcome(verify, `${header}.${promoted}.${signature}`)).toBe(JwtInvalidSignatureError.name);
    // The header is signed too.
    const [, payload, signature2] = token().split('.');
    expect(await outcome(verify, `${b64({ alg: 'RS256', kid: 'k1' })}.${payload}.${signature2}`)).toBe(JwtInvalidSignatureError.name);
  });

  it('when its signature was changed', async () => {
    const verify = verifier();
    const [header, payload, signature] = token().split('.');
    const bytes = Buffer.from(signature!, 'base64url');
    for (const at of [0, 100, bytes.length - 1]) {
      const flipped = Buffer.from(bytes);
      flipped[at] = flipped[at]! ^ 0x01;
      expect(await outcome(verify, `${header}.${payload}.${flipped.toString('base64url')}`)).toBe(JwtInvalidSignatureError.name);
    }
    expect(await outcome(verify, `${header}.${payload}.${bytes.subarray(1).toString('base64url')}`)).toBe(JwtInvalidSignatureError.name);
    expect(await outcome(verify, `${header}.${payload}.${Buffer.concat([bytes, Buffer.from([0])]).toString('base64url')}`)).toBe(JwtInvalidSignatureError.name);
    expect(await outcome(verify, `${header}.${payload}.AAAA`)).toBe(JwtInvalidSignatureError.name);
  });

  it('when its segments are malformed', async () => {
    const verify = verifier();
    const valid = token();
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const oddLength = `${signature}${'A'.repeat((5 - (signature.length % 4)) % 4 || 4)}`;
    expect(oddLength.length % 4).toBe(1);
    const signed = (h: string, p: string) => `${h}.${p}.${sign('sha256', Buffer.from(`${h}.${p}`), keys.k1.privateKey).toString('base64url')}`;
    const cases: [string, string][] = [
      ['empty', ''],
      ['one segment', header],
      ['two segments', `${header}.${payload}`],
      ['four segments', `${valid}.${signature}`],
      ['an empty header', `.${payload}.${signature}`],
      ['an empty payload', `${header}..${signature}`],
      ['standard base64', `${header}.${payload}.${signature.replaceAll('-', '+').replaceAll('_', '/')}+/`],
      ['a space', `${header}.${payload} .${signature}`],
      ['a 4n+1 segment', `${header}.${payload}.${oddLength}`],
      ['a header that is not JSON', `${b64('{"alg":"RS256",')}.${payload}.${signature}`],
      ['a header that is an array', `${b64(['RS256'])}.${payload}.${signature}`],
      ['a header that is not UTF-8', `${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.${payload}.${signature}`],
      // Correctly signed, and still no claims set:
      ['a payload that is not JSON', signed(header, b64('not json'))],
      ['a payload that is a JSON string', signed(header, b64(JSON.stringify('claims')))],
      ['a payload that is null', signed(header, b64('null'))],
      ['a payload that is not UTF-8', signed(header, Buffer.from([0x7b, 0xc3, 0x28, 0x7d]).toString('base64url'))],
    ];
    for (const [what, candidate] of cases) expect([JwtParseError.name, JwtInvalidSignatureError.name], what).toContain(await outcome(verify, candidate));
    // Those that break the format are refused before any key is looked at.
    expect(await outcome(verify, signed(header, b64('not json')))).toBe(JwtParseError.name);
    expect(endpoint.requests).toBe(1);
  });
});

describe('the JWKS', () => {
  it('is fetched once, whatever the number of tokens checked at once on a cold start', async () => {
    const verify = verifier();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => outcome(verify, token())));
    expect(outcomes).toEqual(Array(20).fill('accepted'));
    expect(endpoint.requests).toBe(1);
  });

  it('is kept for the life of the process (a cold start): hours later a token is still checked without a fetch', async () => {
    const verify = verifier();
    expect(await outcome(verify, token())).toBe('accepted');
    setClock(t0 + 5 * 3600_000);
    expect(await outcome(verify, token(accessClaims({ iat: t0s + 5 * 3600, exp: t0s + 6 * 3600 })))).toBe('accepted');
    expect(endpoint.requests).toBe(1);
  });

  it('is fetched again when an unknown kid appears (a rotated key); after a miss, not again for 10 s', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: t0 });
    const verify = verifier();
    expect(await outcome(verify, token())).toBe('accepted');
    expect(endpoint.requests).toBe(1);

    // The pool rotates k2 in: its first token fetches the set again and is accepted, the old key's too.
    endpoint.jwks = { keys: [jwkOf(keys.k1.publicKey, 'k1'), jwkOf(keys.k2.publicKey, 'k2')] };
    const rotated = token(accessClaims(), 'k2', keys.k2.privateKey);
    expect(await outcome(verify, rotated)).toBe('accepted');
    expect(await outcome(verify, token())).toBe('accepted');
    expect(endpoint.requests).toBe(2);

    // Made-up kids, many and at once, cost one fetch; after that miss, none for aws-jwt-verify's 10 s.
    const madeUp = () => Promise.all(Array.from({ length: 10 }, (_, i) => outcome(verify, token(accessClaims(), `forged-${i}`, keys.k3.privateKey))));
    expect(await madeUp()).toEqual(Array(10).fill(KidNotFoundInJwksError.name));
    expect(endpoint.requests).toBe(3);
    vi.advanceTimersByTime(9_999);
    expect(await madeUp()).toEqual(Array(10).fill(WaitPeriodNotYetEndedJwkError.name));
    expect(endpoint.requests).toBe(3);
    // Known keys are still accepted meanwhile.
    expect(await outcome(verify, rotated)).toBe('accepted');
    vi.advanceTimersByTime(1);
    expect(await madeUp()).toEqual(Array(10).fill(KidNotFoundInJwksError.name));
    expect(endpoint.requests).toBe(4);
  });

  it('unreachable or broken refuses every token, and the next request tries again', async () => {
    const warn = vi.spyOn(logger, 'warn');
    try {
      const expected = { error: NonRetryableFetchError, garbage: JwksValidationError, hang: FetchError } as const;
      for (const mode of ['error', 'garbage', 'hang'] as const) {
        endpoint.mode = mode;
        const verify = verifier({ requestOptions: { responseTimeout: 300 } });
        const refusal = await verify(token()).catch((error: unknown) => error);
        expect(refusal, mode).toBeInstanceOf(expected[mode]);
        endpoint.mode = 'ok';
        expect(await outcome(verify, token()), mode).toBe('accepted');
      }
      expect(await outcome(verifier({ jwksUri: jwksUri.replace('jwks.json', 'nothing-here') }), token())).toBe(NonRetryableFetchError.name);
      // Each failure was logged (the level is ERROR in tests, so the lines themselves are not printed), with the URL and the cause only.
      expect(warn).toHaveBeenCalledTimes(4);
      for (const call of warn.mock.calls) expect(call).toEqual(['JWKS unavailable', { jwksUri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//), cause: expect.any(String) }]);
    } finally {
      warn.mockRestore();
    }
  });

  it('is fetched over https only, plain http being allowed on the loopback interface alone (the local issuer, tests)', async () => {
    const requestsBefore = endpoint.requests;
    expect(await outcome(verifier({ jwksUri: 'http://cognito-idp.ap-east-1.amazonaws.com/jwks.json' }), token())).not.toBe('accepted');
    expect(await outcome(verifier({ jwksUri: 'ftp://127.0.0.1/jwks.json' }), token())).not.toBe('accepted');
    expect(endpoint.requests).toBe(requestsBefore);
    // A JWKS server on an address that is not 127.0.0.1 (Linux routes all of 127/8 to loopback,
    // so 127.0.0.2 stands in for any other host) gets no plain-http request at all.
    const elsewhere = createHttpServer(serve);
    const bound = await new Promise<boolean>((resolve) => {
      elsewhere.once('error', () => resolve(false));
      elsewhere.listen(0, '127.0.0.2', () => resolve(true));
    });
    if (bound) {
      try {
        const url = `http://127.0.0.2:${(elsewhere.address() as AddressInfo).port}/.well-known/jwks.json`;
        expect(await outcome(verifier({ jwksUri: url }), token())).not.toBe('accepted');
        expect(endpoint.requests).toBe(requestsBefore);
      } finally {
        await close(elsewhere);
      }
    }
    expect(() => createAccessTokenVerifier({ issuer, clientId: '' })).toThrow();
    expect(() => createAccessTokenVerifier({ issuer: '', clientId })).toThrow();
  });

  it('lends a member only for what it states: not one for encryption, for another algorithm, or of another type', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    endpoint.jwks = {
      keys: [
        jwkOf(keys.k2.publicKey, 'enc', { use: 'enc' }),
        jwkOf(keys.k2.publicKey, 'rs512', { alg: 'RS512' }),
        { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec', alg: 'ES256', use: 'sig' },
        jwkOf(keys.k1.publicKey, 'k1'),
      ],
    };
    const verify = verifier();
    expect(await outcome(verify, token(accessClaims(), 'enc', keys.k2.privateKey))).toBe(JwkInvalidUseError.name);
    expect(await outcome(verify, token(accessClaims(), 'rs512', keys.k2.privateKey))).toBe(JwtInvalidSignatureAlgorithmError.name);
    expect(await outcome(verify, token(accessClaims(), 'ec', keys.k2.privateKey))).toBe(JwtInvalidSignatureAlgorithmError.name);
    // The good member of the same set still works.
    expect(await outcome(verify, token())).toBe('accepted');
  });

  it('that is not a JWK set at all refuses every token', async () => {
    endpoint.jwks = { keys: [jwkOf(keys.k1.publicKey, 'k1'), 'not a key', null] };
    expect(await outcome(verifier(), token())).not.toBe('accepted');
  });
});

/** openssl makes the self-signed certificate (node:crypto cannot); without it this part is skipped. */
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)('the JWKS over https', () => {
  let dir: string;
  let httpsServer: Server;
  let url: string;
  let ca: Buffer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yijian-jwks-tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
    ca = readFileSync(join(dir, 'cert.pem'));
    httpsServer = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, serve);
    url = `https://${await listen(httpsServer)}/.well-known/jwks.json`;
  });
  afterAll(async () => {
    if (httpsServer) await close(httpsServer);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a token once the certificate is trusted, and refuses every token while it is not', async () => {
    expect(await outcome(verifier({ jwksUri: url, requestOptions: { agent: new Agent({ ca }) } }), token())).toBe('accepted');
    expect(await outcome(verifier({ jwksUri: url }), token())).toBe(FetchError.name);
    // The issuer's own URL is what the deployed function fetches: the same server under it.
    const poolIssuer = url.replace('/.well-known/jwks.json', '');
    const fromIssuer = createAccessTokenVerifier({ issuer: poolIssuer, clientId, requestOptions: { agent: new Agent({ ca }) } });
    expect(await outcome(fromIssuer, token(accessClaims({ iss: poolIssuer })))).toBe('accepted');
  });
});

// ---------------------------------------------------------------------------------------------
// The middleware, in the middy stack the export function uses.

const event = (authorization?: string): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/api/exports/items.csv',
  rawQueryString: '',
  headers: { host: 'abc.lambda-url.ap-east-1.on.aws', ...(authorization === undefined ? {} : { authorization }) },
  isBase64Encoded: false,
  requestContext: {
    accountId: 'anonymous',
    apiId: 'abc',
    domainName: 'abc.lambda-url.ap-east-1.on.aws',
    domainPrefix: 'abc',
    http: { method: 'GET', path: '/api/exports/items.csv', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
    requestId: randomUUID(),
    routeKey: '$default',
    stage: '$default',
    time: new Date().toUTCString(),
    timeEpoch: Date.now(),
  },
});
const context = { awsRequestId: randomUUID(), functionName: 'yijian-test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

describe('the bearer token middleware', () => {
  let verify: ReturnType<typeof verifier>;
  const seen: APIGatewayProxyEventV2[] = [];
  const handler = () =>
    httpHandler({ auth: 'staff', authenticate: () => verifyBearerToken(verify) }, async (request) => {
      seen.push(request.event);
      return json(200, { principal: request.principal });
    }) as unknown as (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
  beforeEach(() => {
    verify = verifier();
    seen.length = 0;
  });
  afterEach(() => vi.restoreAllMocks());

  it('puts the claims where API Gateway\'s authorizer would, in its string form', async () => {
    const r = await handler()(event(`Bearer ${token(accessClaims({ name: '办公室 王' }))}`), context);
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body!).principal).toMatchObject({ sub: 'office-1', name: '办公室 王' });
    const authorizer = (seen[0]!.requestContext as unknown as { authorizer: { jwt: { claims: Record<string, string>; scopes: string[] } } }).authorizer;
    expect(authorizer.jwt.claims).toMatchObject({ sub: 'office-1', 'cognito:groups': '[office]', exp: String(t0s + 3600), token_use: 'access' });
    expect(authorizer.jwt.scopes).toEqual(['openid', 'profile']);
    // The header may be spelt as a client sends it.
    expect((await handler()(event(`bearer   ${token()}`), context)).statusCode).toBe(200);
  });

  it('answers 401 problem+json, never 500, with nothing of the token in it', async () => {
    const forged = `${b64({ alg: 'none', kid: 'k1' })}.${b64(accessClaims({ sub: 'attacker<script>' }))}.c2ln`;
    const candidates = [
      undefined,
      '',
      'Bearer',
      `Basic ${Buffer.from('office:secret').toString('base64')}`,
      `Bearer ${token(accessClaims({ exp: t0s - 1 }))}`,
      `Bearer ${forged}`,
      `Bearer ${token()} ${token()}`,
      `Bearer ${token(accessClaims(), 'k3', keys.k3.privateKey)}`,
      'Bearer x.y.z',
    ];
    for (const authorization of candidates) {
      const r = await handler()(event(authorization), context);
      expect(r.statusCode, String(authorization)).toBe(401);
      expect(r.headers?.['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.headers?.['WWW-Authenticate'] ?? r.headers?.['www-authenticate']).toBe('Bearer');
      const body = r.body!;
      expect(JSON.parse(body)).toMatchObject({ status: 401, detail: 'Sign in first.' });
      expect(body).not.toMatch(leakPattern);
      for (const part of String(authorization).split(/[ .]/).filter((p) => p.length > 3)) expect(body).not.toContain(part);
      expect(body).not.toMatch(/attacker|refused|signature|expired|kid|alg/i);
    }
    // A JWKS outage is a 401 too, not a 500.
    endpoint.mode = 'error';
    verify = verifier();
    expect((await handler()(event(`Bearer ${token()}`), context)).statusCode).toBe(401);
    expect(seen).toHaveLength(0);
  });

  it('does nothing where no issuer is configured', async () => {
    expect(process.env.YIJIAN_JWT_ISSUER).toBeUndefined();
    const passThrough = verifyBearerToken();
    const e = event('Bearer whatever');
    await passThrough.before!({ event: e } as never);
    expect((e.requestContext as unknown as { authorizer?: unknown }).authorizer).toBeUndefined();
  });
});
