/**
 * `npm start`: the local AWS stack and the app, on one machine, with no cloud account.
 *
 *   npm start                  stack + Vite dev server (http://127.0.0.1:5173)
 *   npm start -- --reset       wipe local data first
 *   npm start -- --no-app      the stack only
 *   npm start -- --app=dist    serve the production build (npm run build) instead of the dev server
 *   npm start -- --ephemeral   free ports and a throwaway data folder (what the tests use)
 *   npm start -- --json        print one JSON line with the endpoints when ready (for test harnesses)
 *   npm start -- --no-oauth2   without the plain OAuth 2.0 provider (Login with Amazon look-alike) that
 *                              is offered beside the OpenID provider by default
 *   npm start -- --faults=throttle:0.1,drop:0.05,latency:20-300   fault injection (or INKWELL_FAULTS)
 *
 * Ports (scripts/lib/local-ports.ts, read by every script): INKWELL_APP_PORT (5173),
 * INKWELL_GATEWAY_PORT (4566), INKWELL_OIDC_PORT (4567), INKWELL_DYNAMODB_PORT (4568),
 * INKWELL_S3_PORT (4569), INKWELL_OAUTH2_PORT (4570; INKWELL_WITH_OAUTH2=0 turns it off too).
 * Data: INKWELL_DATA_DIR (.data/).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { createServer, preview } from 'vite';
import { createProgress } from '../infra/ops/progress.ts';
import { LOCAL_ADMIN_CREDENTIALS } from '../local-aws/admin.ts';
import { reservePort } from '../local-aws/ports.ts';
import { type LocalStack, startLocalStack } from '../local-aws/stack.ts';
import { createAwsClients } from '../src/aws/client-factory.ts';
import type { RuntimeConfig } from '../src/config/runtime-config.ts';
import { localPorts } from './lib/local-ports.ts';
import { runtimeConfigPlugin } from './lib/runtime-config-plugin.ts';
import { securityHeadersPlugin } from './lib/security-headers-plugin.ts';
import { seedDemoContent } from './lib/seed-demo.ts';
import { sitePagesPlugin } from './lib/site-pages-plugin.ts';

async function isEmpty(stack: LocalStack): Promise<boolean> {
  const admin = createAwsClients({
    region: stack.appConfig.region,
    endpoint: stack.gatewayUrl,
    credentials: LOCAL_ADMIN_CREDENTIALS,
  });
  const { Count } = await admin.dynamodb.send(new ScanCommand({ TableName: stack.tableName, Limit: 1 }));
  admin.destroy();
  return !Count;
}

const { values: args } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    'no-app': { type: 'boolean', default: false },
    exit: { type: 'boolean', default: false },
    app: { type: 'string', default: 'dev' },
    ephemeral: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'credentials-ttl': { type: 'string' },
    'token-ttl': { type: 'string' },
    'identity-mode': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'no-seed': { type: 'boolean', default: false },
    'no-oauth2': { type: 'boolean', default: false },
    // The provider is on by default now; the old flag is still accepted.
    'with-oauth2': { type: 'boolean', default: false },
    faults: { type: 'string' },
  },
});

const root = resolve(import.meta.dirname, '..');
const env = process.env;
const ports = localPorts(env, { ephemeral: args.ephemeral });
const say = (line: string) => {
  if (!args.json && !args.quiet) console.log(line);
};

async function main() {
  const dataDir = args.ephemeral
    ? await mkdtemp(join(tmpdir(), 'inkwell-'))
    : resolve(root, env.INKWELL_DATA_DIR ?? '.data');
  const appPort = args['no-app'] ? 0 : await reservePort(ports.app, 'app (Vite)');
  // Without an app of its own (--no-app), the stack still admits the usual app origin, where a
  // separately started dev server would be.
  const originPort = appPort || localPorts(env).app;
  const appOrigins = [`http://127.0.0.1:${originPort}`, `http://localhost:${originPort}`];
  const extraOrigins = (env.INKWELL_EXTRA_ORIGINS ?? '').split(',').filter(Boolean);

  let stack: LocalStack | undefined;
  let app: { close(): Promise<void> } | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping…');
    await app?.close().catch(() => {});
    await stack?.stop();
    if (args.ephemeral) await rm(dataDir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // A parent test runner that dies without signalling closes our stdin: treat that as a stop too.
  if (args.json) process.stdin.on('end', () => void shutdown(0)).resume();

  stack = await startLocalStack({
    dataDir,
    reset: args.reset,
    ports: {
      gateway: ports.gateway,
      oidc: ports.oidc,
      dynamodb: ports.dynamodb,
      s3: ports.s3,
      oauth2: ports.oauth2,
    },
    oauth2Provider: !args['no-oauth2'] && env.INKWELL_WITH_OAUTH2 !== '0',
    appOrigins: [...appOrigins, ...extraOrigins],
    ...(args['credentials-ttl'] ? { credentialsTtlSeconds: Number(args['credentials-ttl']) } : {}),
    ...(args['token-ttl'] ? { tokenTtlSeconds: Number(args['token-ttl']) } : {}),
    ...((args.faults ?? env.INKWELL_FAULTS) ? { faults: args.faults ?? env.INKWELL_FAULTS } : {}),
    identityMode: (args['identity-mode'] ?? env.INKWELL_IDENTITY_MODE ?? 'cognito') as 'cognito' | 'sts',
    log: (line) => say(`  ${line}`),
    ...(env.INKWELL_GATEWAY_LOG
      ? {
          onGatewayLog: (e) =>
            console.error(
              `[gateway] ${e.status} ${e.service}.${e.operation} ${e.principal} ${e.decision}${e.error ? ` ${e.error}` : ''}${e.fault ? ` fault:${e.fault}` : ''} ${e.ms}ms`,
            ),
        }
      : {}),
  });
  if (args.exit) return shutdown(0);
  let seededNow = false;
  if (!args['no-seed'] && !args.ephemeral && (await isEmpty(stack))) {
    seededNow = true;
    say('  first start: seeding demo content (npm start -- --no-seed to skip)');
    const seeded = await seedDemoContent({ config: stack.appConfig, log: (line) => say(`    ${line}`) });
    say(`  seeded ${seeded.posts} demo posts`);
  }
  if (stack.publisher && !args['no-seed'] && seededNow) {
    const progress =
      args.json || args.quiet ? undefined : createProgress({ label: '  rendering the public site' });
    const result = await stack.publisher.backfill((done, total) => {
      progress?.setTotal(total);
      progress?.set(done);
    });
    progress?.finish();
    say(`  public site: ${result.written.length} pages written`);
  }

  const config: RuntimeConfig = stack.appConfig;
  let appUrl: string | undefined;
  if (!args['no-app']) {
    const site = { gatewayUrl: stack.gatewayUrl, bucketName: stack.bucketName };
    const plugins = [
      runtimeConfigPlugin(() => config),
      sitePagesPlugin(() => site),
      securityHeadersPlugin(() => config),
    ];
    if (args.app === 'dist') {
      const server = await preview({
        root,
        plugins,
        preview: { port: appPort, host: '127.0.0.1', strictPort: true },
        logLevel: 'warn',
      });
      app = { close: () => server.close() };
    } else {
      const server = await createServer({
        root,
        plugins,
        server: { port: appPort, host: '127.0.0.1', strictPort: true },
        logLevel: args.json ? 'warn' : 'info',
      });
      await server.listen();
      app = server;
    }
    appUrl = `http://127.0.0.1:${appPort}`;
  }

  if (args.json) {
    console.log(
      JSON.stringify({
        ready: true,
        appUrl,
        gatewayUrl: stack.gatewayUrl,
        oidcIssuer: stack.oidcIssuer,
        ...(stack.oauth2Url ? { oauth2Url: stack.oauth2Url } : {}),
        ports: stack.ports,
        dataDir,
        config,
      }),
    );
    return;
  }
  say('');
  say('Inkwell is running on the local AWS stack:');
  say('');
  if (appUrl) say(`  App                      ${appUrl}`);
  say(
    `  AWS gateway (all APIs)   ${stack.gatewayUrl}   DynamoDB, S3, STS, Cognito Identity; SigV4 + IAM enforced`,
  );
  say(`  OpenID provider          ${stack.oidcIssuer}   demo accounts: alice, bob, carol`);
  if (stack.oauth2Url)
    say(`  OAuth 2.0 provider       ${stack.oauth2Url}   demo accounts: Dora Diaz, Evan Ellis`);
  say(
    `  DynamoDB Local           http://127.0.0.1:${stack.ports.dynamodb}   (behind the gateway; do not call directly)`,
  );
  say(`  S3 server (s3rver)       http://127.0.0.1:${stack.ports.s3}   (behind the gateway)`);
  say(`  Data                     ${dataDir}   (npm start -- --reset wipes it)`);
  say('');
  say('  Admin key for scripts: AKIAINKWELLLOCALADMIN (see README). Ctrl-C stops everything.');
}

main().catch(async (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`\nInkwell could not start: ${message}`);
  process.exit(1);
});
