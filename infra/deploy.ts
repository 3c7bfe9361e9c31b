/**
 * `npm run deploy`, as a function: plan, build, provision (CloudFormation on AWS, `provision()` on the
 * local stack), write the runtime config.json, upload the site. The CLI (scripts/deploy.ts) only parses
 * flags; tests call this directly.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  waitUntilChangeSetCreateComplete,
  waitUntilStackCreateComplete,
  waitUntilStackUpdateComplete,
} from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { RuntimeConfig } from '../src/config/runtime-config.ts';
import { SITE_PREFIX } from '../src/core/access-policy.ts';
import { operatorClients } from './ops/operator-clients.ts';
import { provision } from './provision.ts';
import type { PublisherBundle } from './publisher-bundle.ts';
import { artifactsBucketName, type CodeLocation } from './publisher-stack.ts';
import { siteFiles, uploadSite } from './site-upload.ts';
import {
  buildTemplate,
  type CloudFormationTemplate,
  type DeploymentSettings,
  DeploymentSettingsError,
  OUTPUT,
  providerIdentity,
  resolveNames,
  validateSettings,
} from './template.ts';

export type DeployErrorCode =
  | 'wrong-account'
  | 'stack-unusable'
  | 'changeset-failed'
  | 'stack-failed'
  | 'template-too-large'
  | 'missing-output';

export class DeployError extends Error {
  readonly code: DeployErrorCode;
  constructor(code: DeployErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** CloudFormation's limit for an inline TemplateBody; beyond it the template must go through S3. */
const MAX_TEMPLATE_BODY_BYTES = 51_200;

export async function loadDeploymentSettings(path: string): Promise<DeploymentSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new DeploymentSettingsError(
      `cannot read ${path}: copy inkwell.deploy.example.json to inkwell.deploy.json and fill it in`,
      { cause },
    );
  }
  try {
    return JSON.parse(text) as DeploymentSettings;
  } catch (cause) {
    throw new DeploymentSettingsError(`${path} is not valid JSON`, { cause });
  }
}

/**
 * The config.json the app reads at start, from the stack's outputs (or, in a dry run, placeholders
 * that name the output each value will come from).
 */
export function productionRuntimeConfig(
  settings: DeploymentSettings,
  outputs: Record<string, string | undefined>,
): RuntimeConfig {
  const names = resolveNames(settings);
  const output = (key: string) => outputs[key] ?? `<stack output ${key}>`;
  const bucketName = outputs[OUTPUT.bucketName] ?? names.bucketName;
  // With a CDN the bucket is private (Origin Access Control): uploads are read through the distribution.
  const cdnOrigin = settings.cdn?.aliases?.[0] ?? output(OUTPUT.siteDomain);
  const defaultAssetBase =
    settings.cdn?.enabled !== false
      ? `https://${cdnOrigin}/`
      : `https://${bucketName}.s3.${settings.region}.amazonaws.com/`;
  const mode = settings.identityMode ?? 'cognito';
  return {
    region: settings.region,
    tableName: outputs[OUTPUT.tableName] ?? names.tableName,
    bucketName,
    assetBaseUrl: settings.assetBaseUrl ?? defaultAssetBase,
    identity: {
      mode,
      identityPoolId: output(OUTPUT.identityPoolId),
      guestRoleArn: output(OUTPUT.readerRoleArn),
    },
    providers: settings.providers.map((provider) => {
      const identity = providerIdentity(provider);
      return {
        id: provider.id,
        label: provider.label,
        issuer: identity.issuer,
        clientId: provider.clientId,
        ...(provider.scope ? { scope: provider.scope } : {}),
        loginsKey: identity.loginsKey,
        ...(mode === 'sts' ? { roleArn: output(OUTPUT.writerRoleArn(provider.id)) } : {}),
      };
    }),
  };
}

export interface DeployOptions {
  settings: DeploymentSettings;
  /** Print the plan, template and config; touch nothing (no credentials needed). */
  dryRun?: boolean;
  /**
   * The local stack's gateway: provision with `provision()` and upload there with the admin key,
   * instead of CloudFormation (which the local stack does not emulate).
   */
  endpoint?: string;
  /** The static build; built first unless `build` is false. */
  distDir: string;
  build?: boolean;
  /** Fields to put into config.json as they are (e.g. the local stack's identity and providers). */
  configOverrides?: Partial<RuntimeConfig>;
  /** Made per call so tests can inject a fake; defaults to a real client for the region. */
  cloudFormation?: () => Promise<CloudFormationClient>;
  /** Builds the publisher's package; tests inject a small one. */
  publisherBundle?: () => Promise<Pick<PublisherBundle, 'zip' | 'key'>>;
  /** The S3 client for the artifacts bucket; defaults to one for the region. */
  artifactsS3?: () => Promise<Pick<S3Client, 'send'>>;
  log?: (line: string) => void;
  /** Where the dry run writes the template and config (stdout in the CLI). */
  print?: (text: string) => void;
}

export interface DeployResult {
  template: CloudFormationTemplate;
  config: RuntimeConfig;
  plan: string[];
  uploaded?: { files: number; bytes: number };
}

export function deploymentPlan(settings: DeploymentSettings, endpoint?: string): string[] {
  const names = resolveNames(settings);
  const mode = settings.identityMode ?? 'cognito';
  return [
    `target        ${endpoint ? `local stack at ${endpoint} (admin key)` : `AWS account ${settings.accountId}, ${settings.region}`}`,
    `stack         ${endpoint ? '(none: provision() creates the table and bucket)' : names.stackName}`,
    `table         ${names.tableName} (on-demand, point-in-time recovery, retained on stack delete)`,
    `bucket        ${names.bucketName} (CORS for ${settings.appOrigins.join(', ')}; ${settings.cdn?.enabled === false ? `public read of public/*, ${SITE_PREFIX}*` : 'private: read by CloudFront only (OAC)'})`,
    `identity      ${mode}${mode === 'sts' ? ' (one writer role per provider)' : ' (identity pool: writer = authenticated, reader = guests)'}`,
    `providers     ${settings.providers.map((p) => `${p.id} (${p.kind})`).join(', ') || 'none: readers only'}`,
    `site          s3://${names.bucketName}/${SITE_PREFIX}${settings.cdn?.enabled === false ? '' : ', served by CloudFront'}`,
    endpoint
      ? 'steps         1. vite build  2. provision()  3. config.json  4. upload site'
      : 'steps         1. vite build  2. publisher bundle to artifacts bucket  3. deploy stack (change set)  4. config.json from outputs  5. upload site',
  ];
}

/** Deploys (or, with `dryRun`, describes) one Inkwell installation. */
export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const log = options.log ?? (() => {});
  const print = options.print ?? log;
  const { settings } = options;
  validateSettings(settings);
  const template = buildTemplate(settings);
  const plan = deploymentPlan(settings, options.endpoint);
  const names = resolveNames(settings);

  if (options.dryRun) {
    const config = { ...productionRuntimeConfig(settings, {}), ...options.configOverrides };
    print(
      ['Plan (dry run: nothing is built, deployed or uploaded)', ...plan.map((l) => `  ${l}`)].join('\n'),
    );
    print(`\nCloudFormation template:\n${JSON.stringify(template, null, 2)}`);
    print(`\nconfig.json:\n${JSON.stringify(config, null, 2)}`);
    return { template, config, plan };
  }

  plan.forEach((line) => {
    log(line);
  });
  if (options.build !== false) {
    log('building the static site (vite build)');
    const { build } = await import('vite');
    await build({
      root: resolve(import.meta.dirname, '..'),
      logLevel: 'warn',
      build: { outDir: options.distDir },
    });
  }

  let config: RuntimeConfig;
  const clients = operatorClients({
    region: settings.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  try {
    if (options.endpoint) {
      await provision({
        dynamodb: clients.dynamodb,
        s3: clients.s3,
        tableName: names.tableName,
        bucketName: names.bucketName,
        appOrigins: settings.appOrigins,
        log,
      });
      // The local stack's identity pool has a fixed id; loaded lazily so AWS deploys skip the stack code.
      const { LOCAL_IDENTITY_POOL_ID } = await import('../local-aws/stack.ts');
      const { roleArn } = await import('../local-aws/roles.ts');
      config = {
        ...productionRuntimeConfig(settings, {}),
        identity: {
          mode: settings.identityMode ?? 'cognito',
          identityPoolId: LOCAL_IDENTITY_POOL_ID,
          guestRoleArn: roleArn('inkwell-reader'),
        },
        endpoint: options.endpoint,
        assetBaseUrl: `${options.endpoint}/${names.bucketName}/`,
        ...options.configOverrides,
      };
    } else {
      await assertAccount(settings);
      const bundle = await (options.publisherBundle ?? defaultPublisherBundle)();
      const s3 = options.artifactsS3
        ? await options.artifactsS3()
        : new S3Client({ region: settings.region });
      const publisherCode = await uploadPublisherCode(s3, settings, bundle, log);
      const cfn = options.cloudFormation
        ? await options.cloudFormation()
        : await cloudFormationClient(settings);
      const outputs = await deployStack(
        cfn,
        names.stackName,
        buildTemplate(settings, { publisherCode }),
        log,
      );
      for (const key of [OUTPUT.identityPoolId, OUTPUT.readerRoleArn, OUTPUT.bucketName]) {
        if (!outputs[key])
          throw new DeployError('missing-output', `stack ${names.stackName} has no output ${key}`);
      }
      config = { ...productionRuntimeConfig(settings, outputs), ...options.configOverrides };
      if (outputs[OUTPUT.siteDomain]) log(`site          https://${outputs[OUTPUT.siteDomain]}/`);
    }

    const files = await siteFiles(options.distDir, config);
    log(`uploading ${files.length} files to s3://${names.bucketName}/${SITE_PREFIX}`);
    const uploaded = await uploadSite({ s3: clients.s3, bucketName: names.bucketName, files });
    log(`uploaded ${uploaded.files} files, ${(uploaded.bytes / 1024).toFixed(0)} KiB`);
    return { template, config, plan, uploaded };
  } finally {
    clients.destroy();
  }
}

async function defaultPublisherBundle() {
  const { buildPublisherBundle } = await import('./publisher-bundle.ts');
  return buildPublisherBundle();
}

/**
 * Puts the publisher's package in the artifacts bucket (created on first use, private, encrypted) under
 * its content hash: an unchanged handler is the same key, so CloudFormation leaves the function alone;
 * a changed one is a new key, which CloudFormation deploys. Existing keys are never rewritten.
 */
export async function uploadPublisherCode(
  s3: Pick<S3Client, 'send'>,
  settings: DeploymentSettings,
  bundle: Pick<PublisherBundle, 'zip' | 'key'>,
  log: (line: string) => void,
): Promise<CodeLocation> {
  const bucket = artifactsBucketName(settings.stage, settings.accountId, settings.region);
  const missing = (error: unknown) =>
    error instanceof Error && /NotFound|NoSuchKey|NoSuchBucket|404/.test(`${error.name} ${error.message}`);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: settings.accountId }));
  } catch (error) {
    if (!missing(error)) throw error;
    log(`creating artifacts bucket s3://${bucket}`);
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(settings.region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: settings.region as never } }),
      }),
    );
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    );
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      }),
    );
  }
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: bundle.key }));
    log(`publisher     s3://${bucket}/${bundle.key} (unchanged)`);
  } catch (error) {
    if (!missing(error)) throw error;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: bundle.key,
        Body: bundle.zip,
        ContentType: 'application/zip',
      }),
    );
    log(`publisher     s3://${bucket}/${bundle.key} (${(bundle.zip.byteLength / 1024).toFixed(0)} KiB)`);
  }
  return { bucket, key: bundle.key };
}

async function cloudFormationClient(settings: DeploymentSettings): Promise<CloudFormationClient> {
  const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
  return new CloudFormationClient({ region: settings.region });
}

/** Credentials for the wrong account would deploy a second Inkwell somewhere unexpected: refuse. */
async function assertAccount(settings: DeploymentSettings): Promise<void> {
  const sts = new STSClient({ region: settings.region });
  try {
    const { Account } = await sts.send(new GetCallerIdentityCommand({}));
    if (Account !== settings.accountId) {
      throw new DeployError(
        'wrong-account',
        `credentials are for account ${Account}, settings say ${settings.accountId}: check AWS_PROFILE`,
      );
    }
  } finally {
    sts.destroy();
  }
}

async function stackStatus(cfn: CloudFormationClient, stackName: string): Promise<string | undefined> {
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks?.[0]?.StackStatus;
  } catch (error) {
    // DescribeStacks reports a missing stack as a ValidationError "does not exist".
    if (error instanceof Error && /does not exist/.test(error.message)) return undefined;
    throw error;
  }
}

async function stackOutputs(cfn: CloudFormationClient, stackName: string): Promise<Record<string, string>> {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return Object.fromEntries(
    (Stacks?.[0]?.Outputs ?? []).flatMap((o) =>
      o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [],
    ),
  );
}

/** The first failure reason among the stack's recent events: what the operator needs to read. */
async function failureReason(cfn: CloudFormationClient, stackName: string): Promise<string> {
  const { StackEvents } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  const failed = (StackEvents ?? []).filter((e) => e.ResourceStatus?.endsWith('_FAILED')).at(-1);
  return failed
    ? `${failed.LogicalResourceId} (${failed.ResourceType}): ${failed.ResourceStatusReason}`
    : 'no failure event found';
}

/**
 * Creates or updates the stack through a change set, so the log shows what will change (and whether a
 * resource is replaced) before anything does, and an unchanged template is a no-op rather than an error.
 */
export async function deployStack(
  cfn: CloudFormationClient,
  stackName: string,
  template: CloudFormationTemplate,
  log: (line: string) => void,
): Promise<Record<string, string>> {
  const body = JSON.stringify(template);
  if (Buffer.byteLength(body) > MAX_TEMPLATE_BODY_BYTES) {
    throw new DeployError(
      'template-too-large',
      `template is ${body.length} bytes; CloudFormation takes 51,200 inline`,
    );
  }
  const status = await stackStatus(cfn, stackName);
  if (status === 'ROLLBACK_COMPLETE' || status?.endsWith('_IN_PROGRESS')) {
    throw new DeployError(
      'stack-unusable',
      status === 'ROLLBACK_COMPLETE'
        ? `stack ${stackName} failed its first creation (ROLLBACK_COMPLETE): delete it, then deploy again`
        : `stack ${stackName} is ${status}: wait for it to finish, then deploy again`,
    );
  }
  const changeSetType = status && status !== 'REVIEW_IN_PROGRESS' ? 'UPDATE' : 'CREATE';
  const ChangeSetName = `inkwell-${new Date().toISOString().replace(/[^0-9]/g, '')}`;
  log(`stack ${stackName}: creating change set ${ChangeSetName} (${changeSetType})`);
  await cfn.send(
    new CreateChangeSetCommand({
      StackName: stackName,
      ChangeSetName,
      ChangeSetType: changeSetType,
      TemplateBody: body,
      // The roles are created without explicit names, so CAPABILITY_IAM (not NAMED_IAM) suffices.
      Capabilities: ['CAPABILITY_IAM'],
      Tags: [{ Key: 'app', Value: 'inkwell' }],
    }),
  );
  try {
    await waitUntilChangeSetCreateComplete(
      { client: cfn, maxWaitTime: 600 },
      { StackName: stackName, ChangeSetName },
    );
  } catch (cause) {
    const described = await cfn.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName }));
    if (/didn't contain changes|No updates are to be performed/.test(described.StatusReason ?? '')) {
      log(`stack ${stackName}: no changes`);
      await cfn.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName }));
      return stackOutputs(cfn, stackName);
    }
    throw new DeployError('changeset-failed', `change set failed: ${described.StatusReason ?? 'unknown'}`, {
      cause,
    });
  }
  const described = await cfn.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName }));
  for (const change of described.Changes ?? []) {
    const rc = change.ResourceChange;
    if (!rc) continue;
    const replace = rc.Replacement === 'True' ? ' (REPLACEMENT)' : '';
    log(`  ${rc.Action} ${rc.LogicalResourceId} ${rc.ResourceType}${replace}`);
  }
  await cfn.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName }));
  log(`stack ${stackName}: executing (CloudFront distributions take several minutes)`);
  try {
    const wait = changeSetType === 'CREATE' ? waitUntilStackCreateComplete : waitUntilStackUpdateComplete;
    await wait({ client: cfn, maxWaitTime: 3600 }, { StackName: stackName });
  } catch (cause) {
    throw new DeployError(
      'stack-failed',
      `stack ${stackName} failed: ${await failureReason(cfn, stackName)}`,
      {
        cause,
      },
    );
  }
  log(`stack ${stackName}: ${changeSetType === 'CREATE' ? 'created' : 'updated'}`);
  return stackOutputs(cfn, stackName);
}
