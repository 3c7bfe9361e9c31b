/**
 * `npm run deploy` without an AWS account: the dry run (no credentials, no network), and the real
 * provisioning + site upload against a local stack, checked the way a browser sees it: anonymously.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../local-aws/stack.ts';
import { parseRuntimeConfig } from '../src/config/runtime-config.ts';
import { deploy } from './deploy.ts';
import { operatorClients } from './ops/operator-clients.ts';
import { type DeploymentSettings, LOGICAL_ID } from './template.ts';

const root = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

describe('deploy --dry-run', () => {
  it('prints the plan, the template and config.json with no AWS credentials', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/deploy.ts', '--dry-run', '--settings', 'inkwell.deploy.example.json'],
      {
        cwd: root,
        // No credentials and no instance metadata: anything that reached for AWS would fail.
        env: { PATH: process.env.PATH ?? '', AWS_EC2_METADATA_DISABLED: 'true', HOME: tmpdir() },
        timeout: 60_000,
      },
    );
    expect(stdout).toContain('Plan (dry run');
    const json = stdout.slice(
      stdout.indexOf('CloudFormation template:') + 25,
      stdout.indexOf('\nconfig.json:'),
    );
    const template = JSON.parse(json) as { Resources: Record<string, { Type: string }> };
    expect(template.Resources[LOGICAL_ID.table]?.Type).toBe('AWS::DynamoDB::Table');
    expect(template.Resources[LOGICAL_ID.identityPool]?.Type).toBe('AWS::Cognito::IdentityPool');
    const config = parseRuntimeConfig(JSON.parse(stdout.slice(stdout.indexOf('\nconfig.json:') + 13)));
    expect(config.identity).toEqual({
      mode: 'cognito',
      identityPoolId: '<stack output IdentityPoolId>',
      guestRoleArn: '<stack output ReaderRoleArn>',
    });
    expect(config.endpoint).toBeUndefined();
  });
});

describe('deploy --endpoint (the local stack)', () => {
  let dataDir: string;
  let dist: string;
  let stack: LocalStack;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'inkwell-deploy-test-'));
    stack = await startLocalStack({
      dataDir,
      ports: { gateway: 0, oidc: 0, dynamodb: 0, s3: 0 },
      appOrigins: ['http://127.0.0.1:5998'],
    });
    // A stand-in build: the same shape as vite's (index.html, hashed assets), without building.
    dist = join(dataDir, 'dist');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(
      join(dist, 'index.html'),
      '<!doctype html><script src="/assets/index-AbCd1234.js"></script>',
    );
    await writeFile(join(dist, 'assets', 'index-AbCd1234.js'), 'console.log("inkwell")');
    await writeFile(join(dist, 'assets', 'index-EfGh5678.css'), 'body{}');
    await writeFile(join(dist, 'config.json'), '{"stale": "from a local build"}');
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('provisions a new table and bucket and uploads the site, readable anonymously', async () => {
    const settings: DeploymentSettings = {
      region: 'us-east-1',
      accountId: '000000000000',
      stage: 'inkwell-staging',
      // The local gateway enforces the policies generated for the stack's own table and bucket.
      tableName: 'inkwell-staging',
      bucketName: stack.bucketName,
      appOrigins: ['http://127.0.0.1:5998'],
      providers: [],
    };
    const lines: string[] = [];
    const result = await deploy({
      settings,
      endpoint: stack.gatewayUrl,
      distDir: dist,
      build: false,
      configOverrides: { identity: stack.appConfig.identity, providers: stack.appConfig.providers },
      log: (line) => lines.push(line),
    });
    expect(result.uploaded?.files).toBe(4);
    expect(lines.join('\n')).toContain('table inkwell-staging: created');

    const clients = operatorClients({ region: 'us-east-1', endpoint: stack.gatewayUrl });
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: 'inkwell-staging' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    clients.destroy();

    const site = `${stack.gatewayUrl}/${stack.bucketName}/site`;
    const index = await fetch(`${site}/index.html`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const script = await fetch(`${site}/assets/index-AbCd1234.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const configResponse = await fetch(`${site}/config.json`);
    expect(configResponse.headers.get('content-type')).toBe('application/json');
    const config = parseRuntimeConfig(await configResponse.json());
    expect(config).toMatchObject({
      endpoint: stack.gatewayUrl,
      tableName: 'inkwell-staging',
      bucketName: stack.bucketName,
      identity: stack.appConfig.identity,
    });
    expect(config.providers).toEqual(stack.appConfig.providers);
  });

  it('keeps everything outside public/ and site/ private to anonymous callers', async () => {
    const clients = operatorClients({ region: 'us-east-1', endpoint: stack.gatewayUrl });
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await clients.s3.send(
      new PutObjectCommand({ Bucket: stack.bucketName, Key: 'exports/secret.jsonl', Body: '{}' }),
    );
    clients.destroy();
    const response = await fetch(`${stack.gatewayUrl}/${stack.bucketName}/exports/secret.jsonl`);
    expect(response.status).toBe(403);
  });
});
