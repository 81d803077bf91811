import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { JwtVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import { FetchError, JwkValidationError, JwksValidationError, JwtExpiredError } from 'aws-jwt-verify/error';
import { SimpleFetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { Agent as HttpAgent } from 'node:http';
import { logger } from '../observability/logger';
import { HttpProblem } from './problem';
import { staffTokenOf } from './staff-token';

/**
 * Token verification for streaming functions only. HTTP APIs cannot stream, so a streaming route
 * is served by its function URL, where no API Gateway authorizer runs: the function then makes the
 * same checks the authorizer makes (signature from the issuer's JWKS, issuer, expiry, an access
 * token of our app client with the `openid` scope) and puts the claims where the authorizer
 * would, in the same string form. Handlers keep reading claims from
 * requestContext.authorizer.jwt.claims only.
 *
 * Active when YIJIAN_JWT_ISSUER is set: deployed (infra sets it to the user pool's issuer URL) and
 * in the local stack (the local issuer, whose JWKS it serves on 127.0.0.1).
 *
 * aws-jwt-verify's generic JwtVerifier with its Cognito claim check (validateCognitoJwtFields), the
 * combination its README documents for Cognito, rather than CognitoJwtVerifier: that one derives
 * issuer and JWKS URL from a pool id, so it cannot take the local issuer, and the local stack and
 * the tests would run another verifier than the deployed one. This way there is one code path,
 * and the issuer is matched exactly as the API's JWT authorizer matches it.
 */

/** A verified token's payload, as signed. */
export type JwtClaims = JwtPayload;

/** The scope a staff route requires (infra/staff-identity.ts staffRouteScopes; the infra test ties them). */
export const requiredScope = 'openid';

export interface AccessTokenCheck {
  /** The `iss` a token must carry: the user pool's issuer URL deployed, the local issuer locally. */
  readonly issuer: string;
  /** Our app client: the `client_id` an access token must carry. */
  readonly clientId: string;
  /** Default `${issuer}/.well-known/jwks.json`, where Cognito publishes the pool's keys. */
  readonly jwksUri?: string;
  /** Node request options for the JWKS request (tests: a TLS agent that trusts their CA, a shorter timeout). */
  readonly requestOptions?: Record<string, unknown>;
}

/** Plain http is allowed for the local issuer alone, on the loopback interface. */
const isLoopbackHttp = (uri: string) => /^http:\/\/127\.0\.0\.1(:\d+)?\//.test(uri);

/** What keeps every token out while it lasts: worth a line in the log (the URL and the cause only). */
const isJwksUnavailable = (error: unknown) => error instanceof FetchError || error instanceof JwksValidationError || error instanceof JwkValidationError;

/**
 * A verifier of our users' access tokens, with its own JWKS cache: make one per process (the
 * cache then lives as long as the Lambda execution environment; a kid it has not seen fetches the
 * JWKS again, at most once per aws-jwt-verify's penalty period). Resolves to the claims of a valid
 * token; rejects with aws-jwt-verify's error otherwise, whatever went wrong (a JWKS outage included).
 */
export const createAccessTokenVerifier = (check: AccessTokenCheck): ((token: string) => Promise<JwtClaims>) => {
  const { issuer, clientId } = check;
  if (!issuer || !clientId) throw new Error('an access token check needs the issuer and the client id');
  const jwksUri = check.jwksUri ?? `${issuer}/.well-known/jwks.json`;
  // aws-jwt-verify fetches with node:https, which refuses an http: URL; its documented way to
  // change how the JWKS is fetched is the fetcher's request options: an http agent makes the same
  // request over plain http. Given for the loopback only, so every other http: URL stays refused.
  const fetcher = new SimpleFetcher({
    defaultRequestOptions: { ...(isLoopbackHttp(jwksUri) ? { agent: new HttpAgent() } : {}), ...check.requestOptions },
  });
  const verifier = JwtVerifier.create(
    {
      issuer,
      jwksUri,
      // A Cognito access token has no `aud`: its client is in `client_id`, checked below.
      audience: null,
      scope: requiredScope,
      customJwtCheck: ({ payload }) => {
        // An ID token of the same pool (token_use 'id', aud instead of client_id) is not a key to the API.
        validateCognitoJwtFields(payload, { tokenUse: 'access', clientId });
        // aws-jwt-verify checks `exp` only when present and accepts a token during the second it
        // names; Cognito always sets it, a token without one would never expire, and RFC 7519
        // refuses a token "on or after" its expiry.
        if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) {
          throw new JwtExpiredError('Token expired or without expiry', payload.exp);
        }
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
  return async (token) => {
    try {
      return await verifier.verify(token);
    } catch (error) {
      if (isJwksUnavailable(error)) logger.warn('JWKS unavailable', { jwksUri, cause: (error as Error).message });
      throw error;
    }
  };
};

const unauthorized = () => new HttpProblem(401, { detail: 'Sign in first.', headers: { 'WWW-Authenticate': 'Bearer' } });

export const claimsAsApiGatewayPassesThem = (payload: Record<string, unknown>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    out[name] = Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
};

/**
 * The verifier of the configuration infra passes (Settings.jwt: the user pool's issuer and the app
 * client), or the local stack's (the local issuer, and where it serves its JWKS); undefined where
 * neither did.
 */
export const verifierFor = (check: AccessTokenCheck | undefined) => (check ? createAccessTokenVerifier(check) : undefined);

/**
 * The middleware: the token of X-Yijian-Authorization, else of Authorization (shared/http/staff-token.ts).
 * Without `verify` it lets every request through (no issuer configured). Build it
 * once per function, with its deps: the verifier it holds caches the JWKS for the process.
 */
export const verifyBearerToken = (verify?: (token: string) => Promise<JwtClaims>): MiddlewareObj<APIGatewayProxyEventV2> => ({
  name: 'verify-bearer-token',
  before: async (request) => {
    if (!verify) return;
    const token = staffTokenOf(request.event.headers);
    if (token === null) throw unauthorized();
    let claims: JwtClaims;
    try {
      claims = await verify(token);
    } catch {
      // Whatever the reason (forged, expired, JWKS unreachable), the same 401, with nothing of the token in it.
      throw unauthorized();
    }
    (request.event.requestContext as unknown as { authorizer: unknown }).authorizer = {
      jwt: { claims: claimsAsApiGatewayPassesThem(claims), scopes: String(claims.scope ?? '').split(' ').filter(Boolean) },
    };
  },
});

/**
 * For a public route that staff may also call with their token (POST /api/attachments): no token,
 * a public request; a token, verified as the authorizer would (401 when it is not valid, even if
 * the request would pass as public: a client that sends a token wants it checked). API Gateway runs
 * no authorizer on a public route, so the function checks it itself, as a streaming one does.
 */
export const optionalBearerToken = (verify?: (token: string) => Promise<JwtClaims>): MiddlewareObj<APIGatewayProxyEventV2> => {
  const required = verifyBearerToken(verify);
  return {
    name: 'optional-bearer-token',
    before: async (request) => {
      if (staffTokenOf(request.event.headers) === null && !request.event.headers?.authorization && !request.event.headers?.Authorization) return;
      if (!verify) throw unauthorized();
      await required.before!(request as never);
    },
  };
};
