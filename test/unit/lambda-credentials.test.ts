/**
 * The bundles' stand-in for the default credential chain (shared/lambda-credentials.ts) answers
 * from the environment as Lambda sets it, with the session token, and refuses when it is empty.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../../shared/lambda-credentials';

const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
afterEach(() => {
  for (const n of names) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
});

describe('the Lambda bundles credential provider', () => {
  it('reads the role credentials Lambda puts in the environment', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example', AWS_SESSION_TOKEN: 'token-example' });
    await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret-example', sessionToken: 'token-example' });
  });

  it('fails, rather than guessing, when the environment holds none', async () => {
    for (const n of names) delete process.env[n];
    await expect(defaultProvider()()).rejects.toThrow();
  });
});
