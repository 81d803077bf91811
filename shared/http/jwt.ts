import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { get as httpsGet, type Agent } from 'node:https';
import { logger } from './logger';
import { HttpProblem } from './problem';

/**
 * Token verification for streaming functions only. HTTP APIs cannot stream, so a streaming route
 * is served by its function URL, where no API Gateway authorizer runs: the function then makes the
 * same checks the authorizer makes (signature from the pool's JWKS, issuer, expiry, RS256, an
 * access token of our app client) and puts the claims where the authorizer would, in the same
 * string form. Handlers keep reading claims from requestContext.authorizer.jwt.claims only.
 *
 * Active when YIJIAN_JWT_ISSUER is set (deployed streaming functions; infra tests check it is).
 * Locally the gateway has verified the token before the handler runs.
 *
 * Written on node:crypto rather than a JOSE library: the one thing needed, RS256 against a
 * Cognito JWKS, is a few dozen lines, and jose cost the export function 18 KB of its bundle. The
 * JWKS comes over node:https, not fetch, because the first fetch() loads undici, which costs the
 * cold start more than the request itself.
 */

/** A verified token's payload, as signed. */
export type JwtClaims = Record<string, unknown>;

/** Why a token was refused: for tests and debugging only, never shown to the client. */
export type RefusalReason =
  | 'malformed'
  | 'algorithm'
  | 'unknown key'
  | 'keys unavailable'
  | 'signature'
  | 'issuer'
  | 'expired'
  | 'not yet valid'
  | 'not an access token'
  | 'client';

export class TokenRefused extends Error {
  constructor(readonly reason: RefusalReason) {
    super(`token refused: ${reason}`);
  }
}

export interface AccessTokenCheck {
  /** The user pool's issuer URL: the `iss` a token must carry. */
  readonly issuer: string;
  /** Our app client: the `client_id` an access token must carry. */
  readonly clientId: string;
  /** Default `${issuer}/.well-known/jwks.json`, where Cognito publishes the pool's keys. */
  readonly jwksUrl?: string;
  /** TLS settings for the JWKS request (tests trust a self-signed certificate this way). */
  readonly agent?: Agent;
  /** The clock, in milliseconds (tests). */
  readonly now?: () => number;
  /** The JWKS is fetched again after this long, as jose's createRemoteJWKSet did (10 minutes). */
  readonly maxAgeMs?: number;
  /** An unknown `kid` fetches the JWKS again at most this often (30 s), so made-up kids cannot flood Cognito. */
  readonly cooldownMs?: number;
  /** The whole JWKS request, connection to last byte (5 s, as jose's). */
  readonly timeoutMs?: number;
}

/**
 * No clock tolerance, as before (jose's default): a token is refused from the second its `exp`
 * names and accepted from the second its `nbf` names (Cognito's and Lambda's clocks are both
 * NTP-synchronised).
 */
const clockToleranceSeconds = 0;

/** A JWKS is a few keys, about 1 KB each: anything much larger is not the pool's JWKS. */
const maxJwksBytes = 64 * 1024;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * GET a JSON document. https only, except on the loopback interface, where tests serve their
 * JWKS over plain http; a deployed issuer is always https (Cognito's), and nothing of ours listens
 * on a Lambda's loopback.
 */
const getJson = (url: URL, agent: Agent | undefined, timeoutMs: number): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]';
    const get = url.protocol === 'https:' ? httpsGet : url.protocol === 'http:' && loopback ? httpGet : undefined;
    if (!get) return reject(new Error('the JWKS URL must be https'));
    const request = get(url, { agent, headers: { accept: 'application/json' } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return reject(new Error(`the JWKS endpoint answered ${response.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxJwksBytes) request.destroy(new Error('the JWKS is too large'));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
      response.on('error', reject);
    });
    // A total deadline, not an idle timeout: a trickling answer must not hold the request open.
    const timer = setTimeout(() => request.destroy(new Error('the JWKS request timed out')), timeoutMs);
    request.on('close', () => clearTimeout(timer)); // after the answer's end, or after an error
    request.on('error', reject);
  });

/**
 * The keys of a JWKS that can verify RS256, by kid: RSA public keys (a member with a private part
 * is refused, as jose refused it), for signatures, of 2048 bits or more (jose's minimum for RS256).
 * Members that fit none of this are skipped, so their kid stays unknown.
 */
const rs256Keys = (jwks: unknown): Map<string, KeyObject[]> => {
  if (!isObject(jwks) || !Array.isArray(jwks.keys)) throw new Error('not a JWK set');
  const keys = new Map<string, KeyObject[]>();
  for (const jwk of jwks.keys as unknown[]) {
    if (!isObject(jwk) || jwk.kty !== 'RSA' || typeof jwk.kid !== 'string' || 'd' in jwk) continue;
    if ((jwk.alg ?? 'RS256') !== 'RS256' || (jwk.use ?? 'sig') !== 'sig') continue;
    if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) continue;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch {
      continue;
    }
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) continue;
    // Two members with one kid: either may have signed (jose tried each too).
    keys.set(jwk.kid, [...(keys.get(jwk.kid) ?? []), key]);
  }
  return keys;
};

/**
 * base64url, unpadded, non-empty: the only form a JWS compact segment takes. A length of 4n+1 is
 * no base64 at all (Buffer would quietly drop the odd character).
 */
const isSegment = (segment: string) => /^[A-Za-z0-9_-]+$/.test(segment) && segment.length % 4 !== 1;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const jsonSegment = (segment: string): Record<string, unknown> => {
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(Buffer.from(segment, 'base64url')));
  } catch {
    throw new TokenRefused('malformed');
  }
  if (!isObject(value)) throw new TokenRefused('malformed');
  return value;
};

/** A NumericDate claim: absent (when allowed) or a finite number of seconds. */
const numericDate = (claims: JwtClaims, name: string, required: boolean): number | undefined => {
  const value = claims[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TokenRefused('malformed');
  return value;
};

/**
 * A verifier of our users' access tokens, with its own JWKS cache: make one per process (the
 * cache then lives as long as the Lambda execution environment). Resolves to the claims of a valid
 * token; rejects with TokenRefused otherwise, whatever went wrong (a JWKS outage included).
 */
export const createAccessTokenVerifier = (check: AccessTokenCheck): ((token: string) => Promise<JwtClaims>) => {
  const { issuer, clientId, agent, now = Date.now, maxAgeMs = 600_000, cooldownMs = 30_000, timeoutMs = 5_000 } = check;
  if (!issuer || !clientId) throw new Error('an access token check needs the issuer and the client id');
  const jwksUrl = new URL(check.jwksUrl ?? `${issuer}/.well-known/jwks.json`);

  let cache: { keys: Map<string, KeyObject[]>; fetchedAt: number } | undefined;
  let lastAttempt = -Infinity;
  let pending: Promise<NonNullable<typeof cache>> | undefined;
  const fetchKeys = async () => {
    lastAttempt = now();
    try {
      const keys = rs256Keys(await getJson(jwksUrl, agent, timeoutMs));
      return (cache = { keys, fetchedAt: now() });
    } catch (error) {
      // Every token is refused while this lasts: worth a line in the log (the URL and the cause only).
      logger.warn('JWKS unavailable', { jwksUrl: jwksUrl.href, cause: (error as Error).message });
      throw new TokenRefused('keys unavailable');
    }
  };
  // Concurrent requests on a cold (or stale) cache share one fetch; `finally` runs after `pending`
  // is set, so a fetch that fails at once cannot leave its rejection behind as the pending one.
  const load = () => (pending ??= fetchKeys().finally(() => (pending = undefined)));

  const keysFor = async (kid: string): Promise<KeyObject[]> => {
    let current = cache;
    if (!current || now() - current.fetchedAt >= maxAgeMs) current = await load();
    let keys = current.keys.get(kid);
    // A kid we have not seen may be a key the pool has just rotated in: fetch the set again, but
    // only once per cooldown, whether that fetch worked or not.
    if (!keys && now() - lastAttempt >= cooldownMs) keys = (await load()).keys.get(kid);
    if (!keys) throw new TokenRefused('unknown key');
    return keys;
  };

  return async (token) => {
    const segments = token.split('.');
    if (segments.length !== 3 || !segments.every(isSegment)) throw new TokenRefused('malformed');
    const [encodedHeader, encodedPayload, encodedSignature] = segments as [string, string, string];
    const header = jsonSegment(encodedHeader);
    // RS256 and nothing else: not `none`, not HS256 (whose "secret" would be our public key), not
    // another RSA or EC algorithm. A critical extension we do not know must be refused (RFC 7515 4.1.11).
    if (header.alg !== 'RS256') throw new TokenRefused('algorithm');
    if (header.crit !== undefined) throw new TokenRefused('malformed');
    // Only keys from the pool's JWKS are ever used: a jwk, jku or x5u header is ignored.
    if (typeof header.kid !== 'string') throw new TokenRefused('unknown key');
    const keys = await keysFor(header.kid);
    const signed = Buffer.from(`${encodedHeader}.${encodedPayload}`);
    const signature = Buffer.from(encodedSignature, 'base64url');
    // RSASSA-PKCS1-v1_5 with SHA-256: node's default padding for an RSA key.
    if (!keys.some((key) => verifySignature('sha256', signed, key, signature))) throw new TokenRefused('signature');

    const claims = jsonSegment(encodedPayload);
    if (claims.iss !== issuer) throw new TokenRefused('issuer');
    const nowSeconds = Math.floor(now() / 1000);
    // exp is required (Cognito always sets it; a token without one would never expire).
    if (numericDate(claims, 'exp', true)! <= nowSeconds - clockToleranceSeconds) throw new TokenRefused('expired');
    const nbf = numericDate(claims, 'nbf', false);
    if (nbf !== undefined && nbf > nowSeconds + clockToleranceSeconds) throw new TokenRefused('not yet valid');
    // iat is only checked to be a NumericDate, as before: its age is exp's business.
    numericDate(claims, 'iat', false);
    // An ID token of the same pool (token_use 'id', aud instead of client_id) is not a key to the API.
    if (claims.token_use !== 'access') throw new TokenRefused('not an access token');
    if (claims.client_id !== clientId) throw new TokenRefused('client');
    return claims;
  };
};

const unauthorized = () => new HttpProblem(401, { detail: 'Sign in first.', headers: { 'WWW-Authenticate': 'Bearer' } });

export const claimsAsApiGatewayPassesThem = (payload: JwtClaims): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    out[name] = Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
};

/** The deployed configuration: the user pool and app client infra passes (undefined locally). */
const verifierFromEnvironment = () => {
  const issuer = process.env.YIJIAN_JWT_ISSUER;
  // A client id missing beside an issuer is a broken deployment: fail at cold start, not per request.
  return issuer ? createAccessTokenVerifier({ issuer, clientId: process.env.YIJIAN_JWT_CLIENT_ID ?? '' }) : undefined;
};

/**
 * The middleware. `verify` defaults to the deployed configuration; tests pass their own. Call it
 * once per function, at module load: the verifier it holds caches the JWKS for the process.
 */
export const verifyBearerToken = (verify = verifierFromEnvironment()): MiddlewareObj<APIGatewayProxyEventV2> => ({
  name: 'verify-bearer-token',
  before: async (request) => {
    if (!verify) return;
    const header = request.event.headers?.authorization ?? request.event.headers?.Authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized();
    let claims: JwtClaims;
    try {
      claims = await verify(match[1]!);
    } catch {
      // Whatever the reason (forged, expired, JWKS unreachable), the same 401, with nothing of the token in it.
      throw unauthorized();
    }
    (request.event.requestContext as unknown as { authorizer: unknown }).authorizer = {
      jwt: { claims: claimsAsApiGatewayPassesThem(claims), scopes: String(claims.scope ?? '').split(' ').filter(Boolean) },
    };
  },
});
