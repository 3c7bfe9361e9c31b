import { test as base, expect } from '@playwright/test';
import { faultReport } from '../../local-aws/gateway/faults-admin.ts';
import type { RuntimeConfig } from '../../src/config/runtime-config.ts';
import { startStackProcess } from './local-stack-process.ts';

export interface StackEndpoints {
  appUrl: string;
  gatewayUrl: string;
  oidcIssuer: string;
  /** The plain OAuth 2.0 provider, offered beside the OpenID provider. */
  oauth2Url?: string;
  config: RuntimeConfig;
}

export interface StackOptions {
  /**
   * Fault injection for the project's stack (playwright.config.ts: the `faults` project). Unset, specs
   * use the run's shared stack; set, the worker starts a stack of its own with `--faults=<spec>`.
   */
  faults: string | undefined;
}

/** The run's shared local stack (started in global-setup.ts): app, gateway and OpenID provider URLs. */
export const test = base.extend<object, StackOptions & { stack: StackEndpoints }>({
  faults: [undefined, { option: true, scope: 'worker' }],
  stack: [
    async ({ faults }, use) => {
      if (faults) {
        const own = await startStackProcess({ app: 'dist', faults });
        await use({
          appUrl: own.appUrl,
          gatewayUrl: own.gatewayUrl,
          oidcIssuer: own.oidcIssuer,
          config: own.config,
        });
        // The lane is only worth its minutes if faults were injected: say how many, and fail if none.
        const report = await faultReport(own.gatewayUrl);
        await own.stop();
        const injected = Object.values(report.injected).reduce((sum, n) => sum + n, 0);
        console.log(
          `[faults] ${injected} of the app’s ${report.eligible} calls faulted: ${JSON.stringify(report.injected)}`,
        );
        if (report.eligible > 50 && injected === 0)
          throw new Error(`no faults injected with --faults=${faults}`);
        return;
      }
      const raw = process.env.INKWELL_E2E_STACK;
      if (!raw) throw new Error('INKWELL_E2E_STACK missing: run through `npm run test:e2e` (global setup).');
      await use(JSON.parse(raw) as StackEndpoints);
    },
    { scope: 'worker', timeout: 180_000 },
  ],
});

export { expect };
