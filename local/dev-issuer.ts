import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';

/**
 * The local token issuer: RS256 keys made on first start (kept in the data dir, or only in memory)
 * and tokens with the same claims as a Cognito access token, plus `name`, so the console and the
 * tests can sign in as any demo user. The gateway verifies staff requests against it, as API
 * Gateway's JWT authorizer verifies Cognito's tokens when deployed.
 */
export const devIssuer = 'https://yijian.local/dev-issuer';
export const devClientId = 'yijian-console-local';

export interface DevIssuer {
  issue(claims: { sub: string; name: string; groups: readonly string[] }, options?: { expiresInSeconds?: number }): Promise<string>;
  /** The verified claims, or null for any token that is not valid now (expired, forged, `alg: none`, malformed). */
  verify(token: string): Promise<JWTPayload | null>;
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
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, publicKey, { issuer: devIssuer, algorithms: ['RS256'] });
        if (payload.token_use !== 'access' || payload.client_id !== devClientId) return null;
        return payload;
      } catch {
        return null;
      }
    },
  };
};
