import { defineConfig } from '@playwright/test';
import { findChromium } from './e2e/support/chromium.ts';
import type { StackOptions } from './e2e/support/fixtures.ts';

/**
 * The fault lane: tests whose title has `@write-path` run a second time against a stack whose gateway
 * fails about 20% of the app's DynamoDB and S3 calls the way AWS does (local-aws/gateway/faults.ts).
 * A fixed seed, so a failure can be replayed.
 */
// Conflicts hit only writes: about 17% of reads and 25% of writes fail once.
export const FAULT_LANE = 'throttle:0.07,error5xx:0.05,drop:0.05,conflict:0.08,latency:0-40,seed:20261202';

export default defineConfig<StackOptions>({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/support/global-setup.ts',
  // Two cores: one browser at a time keeps timings honest and the stack responsive.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  projects: [
    { name: 'default' },
    { name: 'faults', grep: /@write-path/, use: { faults: process.env.INKWELL_E2E_FAULTS ?? FAULT_LANE } },
  ],
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: findChromium(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
});
