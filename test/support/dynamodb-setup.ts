import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/**
 * In-memory DynamoDB Locals, on free ports of 127.0.0.1, for the test run; each test file makes its
 * own table. Projects that name this file as their globalSetup share one (`shared`); the scale
 * project names test/support/dynamodb-own-setup.ts and gets a fresh one (its files measure speed
 * and read units, and by the end of a run the shared one holds every other file's tables).
 * Vitest loads a globalSetup file once per project, so each process and its users are counted on
 * globalThis (the same main process for all projects): the first setup starts it, the last
 * teardown stops it. Vitest runs every project's setup before the first file and every teardown
 * after the last, so a count never drops to zero in between.
 */
interface Shared {
  dynamo: Promise<DynamoDbLocal>;
  users: number;
}

const registry = globalThis as { [key: symbol]: Shared | undefined };

export const dynamoDbLocalFor = (name: string) => {
  const key = Symbol.for(`yijian.test.dynamodb-local.${name}`);
  return {
    setup: async (project: TestProject) => {
      const shared = (registry[key] ??= { dynamo: startDynamoDbLocal(), users: 0 });
      shared.users++;
      project.provide('dynamoEndpoint', (await shared.dynamo).endpoint);
    },
    teardown: async () => {
      const shared = registry[key];
      if (!shared || --shared.users > 0) return;
      delete registry[key];
      await (await shared.dynamo).stop();
    },
  };
};

export const { setup, teardown } = dynamoDbLocalFor('shared');
