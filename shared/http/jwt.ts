import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
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
 */
const issuer = process.env.YIJIAN_JWT_ISSUER;
const clientId = process.env.YIJIAN_JWT_CLIENT_ID;
const jwks = issuer ? createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)) : undefined;

const unauthorized = () => new HttpProblem(401, { detail: 'Sign in first.', headers: { 'WWW-Authenticate': 'Bearer' } });

export const claimsAsApiGatewayPassesThem = (payload: JWTPayload): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    out[name] = Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
};

export const verifyBearerToken = (): MiddlewareObj<APIGatewayProxyEventV2> => ({
  name: 'verify-bearer-token',
  before: async (request) => {
    if (!jwks || !issuer) return;
    const header = request.event.headers?.authorization ?? request.event.headers?.Authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], jwks, { issuer, algorithms: ['RS256'] }));
    } catch {
      throw unauthorized();
    }
    if (payload.token_use !== 'access' || payload.client_id !== clientId) throw unauthorized();
    (request.event.requestContext as unknown as { authorizer: unknown }).authorizer = {
      jwt: { claims: claimsAsApiGatewayPassesThem(payload), scopes: String(payload.scope ?? '').split(' ').filter(Boolean) },
    };
  },
});
