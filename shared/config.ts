/**
 * Configuration arrives as environment variables, read once at module load by getters that fail
 * fast: a handler never learns whether it runs locally or deployed.
 */
const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`missing environment variable ${name}`);
  }
  return value;
};

/**
 * The secret our CloudFront distribution adds to every request it sends to the API (the
 * X-Origin-Verify origin header, infra/site.ts); set by infra on the functions that rate limit.
 */
export const originVerifyEnvName = 'YIJIAN_ORIGIN_VERIFY_SECRET';

/** Shorter than this, a guessed or truncated value would let a caller choose its own address. */
export const originVerifyMinLength = 32;

export const env = {
  /** The DynamoDB table (set by CDK's bindTable-style helper, or by the local stack). */
  get tableName(): string {
    return required('TABLE_NAME');
  },
  /** Only set locally: DynamoDB Local's endpoint. Deployed, the SDK finds the regional endpoint. */
  get dynamoEndpoint(): string | undefined {
    return process.env.DYNAMODB_ENDPOINT || undefined;
  },
  /**
   * Unset (locally, and on every function that does not rate limit): no request is taken to come
   * through our CloudFront, and clients are counted by API Gateway's sourceIp.
   */
  get originVerifySecret(): string | undefined {
    const value = process.env[originVerifyEnvName] || undefined;
    if (value !== undefined && value.length < originVerifyMinLength) {
      throw new Error(`${originVerifyEnvName} must be at least ${originVerifyMinLength} characters`);
    }
    return value;
  },
};
