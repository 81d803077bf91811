import { dynamoDbLocalFor } from './dynamodb-setup';

/** A DynamoDB Local of the scale project's own (see dynamodb-setup.ts). */
export const { setup, teardown } = dynamoDbLocalFor('scale');
