import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the whole run; files use their own tables.
    globalSetup: ['test/setup/dynamodb-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    allowOnly: false,
    // 2 cores: more workers than this only add JVM contention.
    maxWorkers: 2,
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
