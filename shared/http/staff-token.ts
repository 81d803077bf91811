/**
 * Where a staff request carries its Cognito access token.
 *
 * Through the HTTP API: `Authorization: Bearer <token>`, which API Gateway's JWT authorizer reads.
 * A streaming route (the export) is served by its function URL behind CloudFront origin access
 * control instead: CloudFront signs each request to it with SigV4 in `Authorization`, replacing
 * what the viewer sent, so the console sends the token there in a header of its own,
 * `X-Yijian-Authorization: Bearer <token>` (docs/api.md). The function reads that header first;
 * without it, `Authorization` (the contract's header, which keeps working against the local
 * stack). Deployed that fallback can never succeed: every request that reaches the function
 * carries a SigV4 signature in `Authorization`, never a bearer token.
 *
 * No imports: the console uses the header's name too.
 */
export const staffTokenHeader = 'X-Yijian-Authorization';

const bearer = (value: string | undefined): string | null => /^Bearer\s+(\S+)$/i.exec(value ?? '')?.[1] ?? null;

/** The bearer token of a request (headers as Lambda passes them, names in lower case), or null. */
export const staffTokenOf = (headers: Readonly<Record<string, string | undefined>> | undefined): string | null => {
  const own = headers?.[staffTokenHeader.toLowerCase()];
  // When the own header is there, it alone counts: a wrong one is not rescued by another header.
  if (own !== undefined) return bearer(own);
  return bearer(headers?.authorization ?? headers?.Authorization);
};
