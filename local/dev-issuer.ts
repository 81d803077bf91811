import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/**
 * The local token issuer: RS256 keys made on first start (kept in the data dir, or only in memory)
 * and tokens with the same claims as a Cognito access token, plus `name`, so the console and the
 * tests can sign in as any demo user. Its public keys are served as a JWKS (GET /api/dev/jwks.json),
 * from which the gateway and the export function verify tokens with the verifier the deployed
 * export function uses for Cognito's (shared/http/jwt.ts).
 */
export const devIssuer = 'https://yijian.local/dev-issuer';
export const devClientId = 'yijian-console-local';

export interface DevIssuer {
  issue(claims: { sub: string; name: string; groups: readonly string[] }, options?: { expiresInSeconds?: number }): Promise<string>;
  /** The public key as a JWK set, as Cognito publishes a pool's at `${issuer}/.well-known/jwks.json`. */
  jwks(): Promise<{ keys: JWK[] }>;
}

const keyId = 'yijian-dev-1';

const loadOrCreateKeys = async (file: string | undefined) => {
  if (file && existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
    return {
      privateKey: await importJWK(stored.privateJwk, 'RS256'),
      publicKey: await importJWK(stored.publicJwk, 'RS256'),
    };
  }
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) }), { mode: 0o600 });
  }
  return { privateKey, publicKey };
};

/** `keyFile` undefined keeps the keys in memory only (YIJIAN_IN_MEMORY, tests). */
export const createDevIssuer = async (keyFile?: string): Promise<DevIssuer> => {
  const { privateKey, publicKey } = await loadOrCreateKeys(keyFile);
  return {
    issue: async ({ sub, name, groups }, options = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        'cognito:groups': [...groups],
        token_use: 'access',
        scope: 'openid profile',
        client_id: devClientId,
        username: sub,
        name,
        auth_time: now,
      })
        .setProtectedHeader({ alg: 'RS256', kid: keyId, typ: 'JWT' })
        .setSubject(sub)
        .setIssuer(devIssuer)
        .setIssuedAt(now)
        .setExpirationTime(now + (options.expiresInSeconds ?? 8 * 3600))
        .setJti(randomUUID())
        .sign(privateKey);
    },
    // alg and use as Cognito's JWKS states them: aws-jwt-verify then takes this key for RS256 signatures only.
    jwks: async () => ({ keys: [{ ...(await exportJWK(publicKey)), kid: keyId, alg: 'RS256', use: 'sig' }] }),
  };
};
