import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the whole run; each test file makes its own table.
    globalSetup: ['test/support/global-setup.ts'],
    // Each file runs in its own process: handlers read their table name from the environment at
    // module load, exactly as in Lambda, so files must not share a module registry.
    pool: 'forks',
    // Two files at a time: most of a file's time is spent waiting on DynamoDB Local or Chromium.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR', YIJIAN_RATE_LIMIT: 'off' },
  },
});
