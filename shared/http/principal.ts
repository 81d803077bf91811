import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isLiaisonOnly, isStaff, rolesFromGroupsClaim, type Principal } from '../domain/access';
import { HttpProblem } from './problem';

type JwtEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

/**
 * The signed-in user, from the claims the JWT authorizer verified (API Gateway deployed, the local
 * gateway locally) and put at requestContext.authorizer.jwt.claims: handlers read them nowhere else.
 * `liaisons`: the route takes unit liaisons (`unit:<unitId>`); by default they get 403.
 */
export const principalFrom = (event: APIGatewayProxyEventV2, options: { liaisons?: boolean } = {}): Principal => {
  const claims = (event as JwtEvent).requestContext.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (!claims || typeof sub !== 'string' || sub === '') {
    throw new HttpProblem(401, { detail: 'Sign in first.', headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  // Only access tokens carry the roles for this API; an ID token is not a key to it.
  if (claims.token_use !== undefined && claims.token_use !== 'access') {
    throw new HttpProblem(401, { detail: 'Sign in first.', headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  const roles = rolesFromGroupsClaim(claims['cognito:groups']);
  const name = [claims.name, claims.username, sub].find((v): v is string => typeof v === 'string' && v !== '')!;
  const principal: Principal = { sub, name, ...roles };
  if (!isStaff(principal)) throw new HttpProblem(403, { detail: 'This account has no role in yijian.' });
  // A unit's liaison may call only the routes that take liaisons; the rest refuse the role itself.
  if (isLiaisonOnly(principal) && options.liaisons !== true) throw new HttpProblem(403, { detail: 'A unit liaison may only see and report on the unit’s rectifications.' });
  return principal;
};
