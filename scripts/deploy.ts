/**
 * `npm run deploy`: Inkwell to a real AWS account (docs/deploy.md).
 *
 *   npm run deploy -- --dry-run                 plan, template and config.json; touches nothing
 *   npm run deploy                              build, deploy the stack, write config.json, upload the site
 *   npm run deploy -- --settings prod.json      another settings file (default inkwell.deploy.json)
 *   npm run deploy -- --stage inkwell-test --region eu-west-1 --account-id 123456789012
 *   npm run deploy -- --endpoint http://127.0.0.1:4566   provision + upload against the local stack
 *   npm run deploy -- --no-build                upload the existing dist/
 *   npm run deploy -- --endpoint … --config-from http://127.0.0.1:5173/config.json
 *                                               take identity + providers from a running local app
 *
 * On AWS it uses the default credential chain (AWS_PROFILE, SSO, environment); locally the admin key.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { deploy, loadDeploymentSettings } from '../infra/deploy.ts';
import type { DeploymentSettings } from '../infra/template.ts';
import { parseRuntimeConfig, type RuntimeConfig } from '../src/config/runtime-config.ts';

const { values } = parseArgs({
  options: {
    settings: { type: 'string', default: 'inkwell.deploy.json' },
    'dry-run': { type: 'boolean', default: false },
    endpoint: { type: 'string' },
    region: { type: 'string' },
    stage: { type: 'string' },
    'account-id': { type: 'string' },
    'app-origin': { type: 'string', multiple: true },
    dist: { type: 'string', default: 'dist' },
    'no-build': { type: 'boolean', default: false },
    'config-from': { type: 'string' },
  },
});

async function identityFrom(source: string): Promise<Partial<RuntimeConfig>> {
  const text = /^https?:/.test(source)
    ? await fetch(source).then((response) => {
        if (!response.ok) throw new Error(`${source} answered HTTP ${response.status}`);
        return response.text();
      })
    : await readFile(resolve(source), 'utf8');
  const config = parseRuntimeConfig(JSON.parse(text));
  return { identity: config.identity, providers: config.providers };
}

try {
  const fromFile = await loadDeploymentSettings(resolve(values.settings));
  const settings: DeploymentSettings = {
    ...fromFile,
    ...(values.region ? { region: values.region } : {}),
    ...(values.stage ? { stage: values.stage } : {}),
    ...(values['account-id'] ? { accountId: values['account-id'] } : {}),
    ...(values['app-origin']?.length ? { appOrigins: values['app-origin'] } : {}),
  };
  // Locally the sign-in providers are the stack's own (its OpenID issuer), not the AWS settings'.
  const configOverrides = values['config-from'] ? await identityFrom(values['config-from']) : undefined;
  const started = Date.now();
  await deploy({
    settings,
    dryRun: values['dry-run'],
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    distDir: resolve(values.dist),
    build: !values['no-build'],
    ...(configOverrides ? { configOverrides } : {}),
    log: (line) => console.error(line),
    print: (text) => console.log(text),
  });
  if (!values['dry-run']) console.error(`deployed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  const code = error instanceof Error && 'code' in error ? ` [${String(error.code)}]` : '';
  console.error(`Deploy failed${code}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
