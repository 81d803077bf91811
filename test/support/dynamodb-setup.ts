import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/**
 * One in-memory DynamoDB Local, on a free port of 127.0.0.1, for the whole test run; each test
 * file makes its own table. Every project that needs it (integration, e2e, scale) names this file
 * as its globalSetup; vitest loads the file once per project, so the one process and its users
 * are counted on globalThis (the same main process for all projects): the first setup starts it,
 * the last teardown stops it. Vitest runs every project's setup before the first file and every
 * teardown after the last, so the count never drops to zero in between.
 */
interface Shared {
  dynamo: Promise<DynamoDbLocal>;
  users: number;
}

const key = Symbol.for('yijian.test.dynamodb-local');
const registry = globalThis as { [key]?: Shared };

export async function setup(project: TestProject) {
  const shared = (registry[key] ??= { dynamo: startDynamoDbLocal(), users: 0 });
  shared.users++;
  project.provide('dynamoEndpoint', (await shared.dynamo).endpoint);
}

export async function teardown() {
  const shared = registry[key];
  if (!shared || --shared.users > 0) return;
  delete registry[key];
  await (await shared.dynamo).stop();
}
