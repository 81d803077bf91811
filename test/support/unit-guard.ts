import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject, vi } from 'vitest';

/**
 * The unit project's promise, kept by its setup file: no Java, no Vite build, no DynamoDB.
 * `java` and `javac` on PATH are a script that fails (local/dynamodb.ts spawns `java` from PATH),
 * Vite cannot be loaded, and no DynamoDB endpoint is provided (the project has no globalSetup).
 */
process.env.PATH = `${join(dirname(fileURLToPath(import.meta.url)), 'no-java')}${delimiter}${process.env.PATH ?? ''}`;
delete process.env.DYNAMODB_ENDPOINT;

vi.mock('vite', () => ({
  build: () => Promise.reject(new Error('unit tests build nothing with Vite: a test that needs the pages belongs in test/e2e or test/integration')),
}));

if (inject('dynamoEndpoint') !== undefined) throw new Error('the unit project must not start DynamoDB Local');
