/**
 * shared/storage/s3-client.ts: the options this desk fixes are the client's, whatever the
 * environment or a shared config file would have said (the SDK reads neither for them).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fixedS3Options, newS3Client } from '../../shared/storage/s3-client';

/** What the SDK would read for each fixed option, set to the opposite of the fixed value. */
const contrary: Record<string, string> = {
  AWS_S3_USE_ARN_REGION: 'true',
  AWS_S3_DISABLE_EXPRESS_SESSION_AUTH: 'false',
  AWS_USE_DUALSTACK_ENDPOINT: 'true',
  AWS_USE_FIPS_ENDPOINT: 'true',
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  AWS_RETRY_MODE: 'adaptive',
  AWS_MAX_ATTEMPTS: '9',
  AWS_AUTH_SCHEME_PREFERENCE: 'sigv4a',
};
const saved = Object.fromEntries([...Object.keys(contrary), 'AWS_REGION'].map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** A client option as the SDK keeps it: a value or a provider of one. */
const valueOf = async (option: unknown): Promise<unknown> => (typeof option === 'function' ? await (option as () => unknown)() : option);

describe('the S3 client', () => {
  it('takes the fixed options as written, not from the environment', async () => {
    Object.assign(process.env, contrary, { AWS_REGION: 'cn-north-1' });
    const { config } = newS3Client({});
    expect(await valueOf(config.useArnRegion)).toBe(fixedS3Options.useArnRegion);
    expect(await valueOf(config.disableS3ExpressSessionAuth)).toBe(fixedS3Options.disableS3ExpressSessionAuth);
    expect(await valueOf(config.useDualstackEndpoint)).toBe(fixedS3Options.useDualstackEndpoint);
    expect(await valueOf(config.useFipsEndpoint)).toBe(fixedS3Options.useFipsEndpoint);
    expect(await valueOf(config.requestChecksumCalculation)).toBe(fixedS3Options.requestChecksumCalculation);
    expect(await valueOf(config.responseChecksumValidation)).toBe(fixedS3Options.responseChecksumValidation);
    expect(await valueOf(config.retryMode)).toBe(fixedS3Options.retryMode);
    expect(await valueOf(config.maxAttempts)).toBe(fixedS3Options.maxAttempts);
    expect(await valueOf(config.authSchemePreference)).toEqual(fixedS3Options.authSchemePreference);
  });

  it('addresses the local S3-compatible server by path, and the regional endpoint by bucket name deployed', () => {
    expect(newS3Client({ s3Endpoint: 'http://127.0.0.1:4569' }).config.forcePathStyle).toBe(true);
    expect(newS3Client({}).config.forcePathStyle).toBe(false);
  });
});
