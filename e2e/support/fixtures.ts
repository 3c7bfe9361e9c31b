import { test as base, expect } from '@playwright/test';
import type { RuntimeConfig } from '../../src/config/runtime-config.ts';

export interface StackEndpoints {
  appUrl: string;
  gatewayUrl: string;
  oidcIssuer: string;
  /** The plain OAuth 2.0 provider, offered beside the OpenID provider. */
  oauth2Url?: string;
  config: RuntimeConfig;
}

/** The run's shared local stack (started in global-setup.ts): app, gateway and OpenID provider URLs. */
export const test = base.extend<object, { stack: StackEndpoints }>({
  stack: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring first argument.
    async ({}, use) => {
      const raw = process.env.INKWELL_E2E_STACK;
      if (!raw) throw new Error('INKWELL_E2E_STACK missing: run through `npm run test:e2e` (global setup).');
      await use(JSON.parse(raw) as StackEndpoints);
    },
    { scope: 'worker' },
  ],
});

export { expect };
