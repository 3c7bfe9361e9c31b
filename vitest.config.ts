import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'local-aws/**/*.test.ts', 'scripts/**/*.test.ts', 'infra/**/*.test.ts'],
    // Integration tests start DynamoDB Local (a JVM) each; two cores do not take more than two at once.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
