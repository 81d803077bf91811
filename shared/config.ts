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

export const env = {
  /** The DynamoDB table (set by CDK's bindTable-style helper, or by the local stack). */
  get tableName(): string {
    return required('TABLE_NAME');
  },
  /** Only set locally: DynamoDB Local's endpoint. Deployed, the SDK finds the regional endpoint. */
  get dynamoEndpoint(): string | undefined {
    return process.env.DYNAMODB_ENDPOINT || undefined;
  },
};
