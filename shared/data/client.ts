import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { env } from '../config';

/**
 * One document client per process, made at module load and reused by every invocation.
 * Locally DYNAMODB_ENDPOINT points at DynamoDB Local; deployed the SDK uses the regional endpoint.
 */
const endpoint = env.dynamoEndpoint;

export const dynamo = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 4,
  }),
  { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
);

export const tableName = env.tableName;
