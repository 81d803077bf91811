import { defineConfig } from 'vitest/config';

/**
 * Five projects, all run by `npm test`; one each with `npm run test:<name>`.
 * - unit: pure code, no Java, no Vite build, no network but a 127.0.0.1 server a test starts itself
 *   (test/support/unit-guard.ts enforces it). Answers in seconds.
 * - infra: synthesises the CDK app (pure, but a synth takes seconds).
 * - integration: DynamoDB Local, the local stack, fault injection through a proxy, fuzzing.
 * - e2e: headless Chromium against the local stack, and the bundle sizes.
 * - scale: thousands of items and the tally under load, and crash durability.
 * DynamoDB Local: one shared by integration and e2e, and a fresh one for scale (two per `npm test`).
 */
const dynamodb = 'test/support/dynamodb-setup.ts';
const ownDynamodb = 'test/support/dynamodb-own-setup.ts';
const webBuild = 'test/support/web-build-setup.ts';

export default defineConfig({
  test: {
    // Each file runs in its own process: handlers read their table name from the environment at
    // module load, exactly as in Lambda, so files must not share a module registry.
    pool: 'forks',
    // Two files at a time: most of a file's time is spent waiting on DynamoDB Local or Chromium.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      // EMF lines stay off the test output; test/unit/metrics.test.ts turns them on for itself.
      POWERTOOLS_METRICS_DISABLED: 'true',
      YIJIAN_RATE_LIMIT: 'off',
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], setupFiles: ['test/support/unit-guard.ts'] } },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'] } },
      // The local-stack and crash tests start `npm start`, which builds stale pages before it
      // listens: built here first, they are fresh and its start stays within the tests' timeouts.
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts', 'test/fuzz/**/*.test.ts'], globalSetup: [dynamodb, webBuild] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: [dynamodb, webBuild] } },
      // One scale file at a time, after every other project, on a DynamoDB Local of its own: the
      // 5,000-item fill ran past its timeout beside the tally's stress test, and at 14 items/s
      // (117 alone) on the shared one once it held every other file's tables.
      { extends: true, test: { name: 'scale', include: ['test/scale/**/*.test.ts'], globalSetup: [ownDynamodb, webBuild], fileParallelism: false } },
    ],
  },
});
