import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';
import { startStackProcess } from './local-stack-process.ts';

/**
 * One local stack for the whole run (specs that need special settings start their own), serving the
 * production build, as users get it.
 */
export default async function globalSetup() {
  const root = resolve(import.meta.dirname, '../..');
  if (!existsSync(resolve(root, 'dist/index.html')) || process.env.INKWELL_E2E_BUILD !== '0') {
    await build({ root, logLevel: 'warn' });
  }
  // Fault injection on, with no random faults: specs may ask the gateway for one fault on one call
  // (local-aws/gateway/faults-admin.ts); the `faults` project starts its own stack with random ones.
  const stack = await startStackProcess({ app: 'dist', faults: 'on' });
  process.env.INKWELL_E2E_STACK = JSON.stringify({
    appUrl: stack.appUrl,
    gatewayUrl: stack.gatewayUrl,
    oidcIssuer: stack.oidcIssuer,
    oauth2Url: stack.oauth2Url,
    config: stack.config,
  });
  return async () => {
    await stack.stop();
  };
}
