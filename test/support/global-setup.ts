import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb';
import { ensureWebBuild } from '../../local/pages';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

let dynamo: DynamoDbLocal | undefined;

/** Starts one in-memory DynamoDB Local, on a free port of 127.0.0.1, for the whole test run, and builds the pages. */
export async function setup(project: TestProject) {
  // The pages are built once per run (only if their sources changed), before any file serves them.
  [dynamo] = await Promise.all([startDynamoDbLocal(), ensureWebBuild()]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
}

export async function teardown() {
  await dynamo?.stop();
}
