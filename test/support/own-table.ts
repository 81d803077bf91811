import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/**
 * For a test file that calls the data layer and the services in its own process: a table of its
 * own in the run's DynamoDB Local, named `<prefix>-<random>`, and the environment the modules read
 * at load (as in Lambda), set before any of them is imported. Returns the table's name; create it
 * with `ensureTable` from local/table.ts in `beforeAll`.
 */
export const useOwnTable = (prefix: string, extra: Record<string, string> = {}): string => {
  const tableName = `${prefix}-${randomBytes(6).toString('hex')}`;
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...extra,
  });
  // Local credentials must never come from a developer's real AWS profile.
  delete process.env.AWS_PROFILE;
  return tableName;
};
