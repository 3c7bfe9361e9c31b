import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { DeployError, deployStack, productionRuntimeConfig, uploadPublisherCode } from './deploy.ts';
import { buildTemplate, type DeploymentSettings, OUTPUT } from './template.ts';

const settings: DeploymentSettings = {
  region: 'eu-west-1',
  accountId: '123456789012',
  stage: 'inkwell-prod',
  appOrigins: ['https://blog.example.com'],
  providers: [{ id: 'google', kind: 'google', label: 'Google', clientId: 'g-client' }],
};
const template = buildTemplate(settings);
const outputs = [
  { OutputKey: OUTPUT.identityPoolId, OutputValue: 'eu-west-1:pool' },
  { OutputKey: OUTPUT.bucketName, OutputValue: 'inkwell-prod-123456789012-eu-west-1' },
];

/** A CloudFormation stand-in answering by command name; records what was sent. */
function fakeCloudFormation(answers: Record<string, (input: Record<string, unknown>) => unknown>) {
  const sent: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push(name);
      const answer = answers[name];
      if (!answer) throw new Error(`unexpected ${name}`);
      return answer(command.input);
    },
  };
  return { client: client as unknown as CloudFormationClient, sent };
}

const missingStack = () => {
  throw new Error('Stack with id inkwell-prod does not exist');
};

describe('deployStack', () => {
  it('creates a new stack through a change set, logs the changes and returns the outputs', async () => {
    let created = false;
    const { client, sent } = fakeCloudFormation({
      DescribeStacks: () => {
        if (!created) return missingStack();
        return { Stacks: [{ StackStatus: 'CREATE_COMPLETE', Outputs: outputs }] };
      },
      CreateChangeSet: (input) => {
        expect(input.ChangeSetType).toBe('CREATE');
        expect(input.Capabilities).toEqual(['CAPABILITY_IAM']);
        expect(JSON.parse(String(input.TemplateBody))).toEqual(template);
        return {};
      },
      DescribeChangeSet: () => ({
        Status: 'CREATE_COMPLETE',
        Changes: [
          {
            ResourceChange: {
              Action: 'Add',
              LogicalResourceId: 'Table',
              ResourceType: 'AWS::DynamoDB::Table',
            },
          },
        ],
      }),
      ExecuteChangeSet: () => {
        created = true;
        return {};
      },
    });
    const log: string[] = [];
    const result = await deployStack(client, 'inkwell-prod', template, (line) => log.push(line));
    expect(result[OUTPUT.identityPoolId]).toBe('eu-west-1:pool');
    expect(sent).toContain('ExecuteChangeSet');
    expect(log).toContain('  Add Table AWS::DynamoDB::Table');
  });

  it('treats an unchanged template as a no-op and removes the empty change set', async () => {
    const { client, sent } = fakeCloudFormation({
      DescribeStacks: () => ({ Stacks: [{ StackStatus: 'UPDATE_COMPLETE', Outputs: outputs }] }),
      CreateChangeSet: (input) => {
        expect(input.ChangeSetType).toBe('UPDATE');
        return {};
      },
      DescribeChangeSet: () => ({
        Status: 'FAILED',
        StatusReason: "The submitted information didn't contain changes. Submit different information.",
      }),
      DeleteChangeSet: () => ({}),
    });
    const result = await deployStack(client, 'inkwell-prod', template, () => {});
    expect(result[OUTPUT.bucketName]).toBe('inkwell-prod-123456789012-eu-west-1');
    expect(sent).toContain('DeleteChangeSet');
    expect(sent).not.toContain('ExecuteChangeSet');
  });

  it('refuses a stack that failed its first creation, saying what to do', async () => {
    const { client } = fakeCloudFormation({
      DescribeStacks: () => ({ Stacks: [{ StackStatus: 'ROLLBACK_COMPLETE' }] }),
    });
    const error = await deployStack(client, 'inkwell-prod', template, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect(error).toMatchObject({ code: 'stack-unusable', message: expect.stringMatching(/delete it/) });
  });

  it('reports the first failed resource when the stack update fails', async () => {
    let executed = false;
    const { client } = fakeCloudFormation({
      DescribeStacks: () => ({
        Stacks: [{ StackStatus: executed ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_COMPLETE' }],
      }),
      CreateChangeSet: () => ({}),
      DescribeChangeSet: () => ({ Status: 'CREATE_COMPLETE', Changes: [] }),
      ExecuteChangeSet: () => {
        executed = true;
        return {};
      },
      DescribeStackEvents: () => ({
        StackEvents: [
          { LogicalResourceId: 'inkwell-prod', ResourceStatus: 'UPDATE_ROLLBACK_COMPLETE' },
          {
            LogicalResourceId: 'AssetsBucket',
            ResourceType: 'AWS::S3::Bucket',
            ResourceStatus: 'UPDATE_FAILED',
            ResourceStatusReason: 'bucket name already exists',
          },
        ],
      }),
    });
    const error = await deployStack(client, 'inkwell-prod', template, () => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'stack-failed',
      message: expect.stringContaining('AssetsBucket (AWS::S3::Bucket): bucket name already exists'),
    });
  });
});

describe('productionRuntimeConfig', () => {
  it('fills config.json from the stack outputs, with STS role ARNs per provider', () => {
    const config = productionRuntimeConfig(
      { ...settings, identityMode: 'sts' },
      {
        [OUTPUT.identityPoolId]: 'eu-west-1:pool',
        [OUTPUT.writerRoleArn('google')]: 'arn:aws:iam::1:role/w',
        [OUTPUT.siteDomain]: 'd111.cloudfront.net',
      },
    );
    expect(config).toEqual({
      region: 'eu-west-1',
      tableName: 'inkwell-prod',
      bucketName: 'inkwell-prod-123456789012-eu-west-1',
      // The bucket is private behind the CDN: uploads are read through the distribution.
      assetBaseUrl: 'https://d111.cloudfront.net/',
      identity: {
        mode: 'sts',
        identityPoolId: 'eu-west-1:pool',
        guestRoleArn: '<stack output ReaderRoleArn>',
      },
      providers: [
        {
          id: 'google',
          label: 'Google',
          issuer: 'https://accounts.google.com',
          clientId: 'g-client',
          loginsKey: 'accounts.google.com',
          roleArn: 'arn:aws:iam::1:role/w',
        },
      ],
    });
  });
});

describe('the publisher package and the CDN in deploy', () => {
  const fakeS3 = (existing: { bucket?: boolean; keys?: string[] }) => {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    const notFound = () => Object.assign(new Error('NotFound'), { name: 'NotFound' });
    const s3 = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const name = command.constructor.name.replace(/Command$/, '');
        sent.push({ name, input: command.input });
        if (name === 'HeadBucket' && !existing.bucket) throw notFound();
        if (name === 'HeadObject' && !existing.keys?.includes(String(command.input.Key))) throw notFound();
        return {};
      },
    };
    return { s3, sent };
  };
  const bundle = { zip: new Uint8Array([1, 2, 3]), key: 'publisher/0123456789abcdef.zip' };

  it('creates a private artifacts bucket on first use and uploads the package under its hash', async () => {
    const { s3, sent } = fakeS3({});
    const code = await uploadPublisherCode(s3, settings, bundle, () => {});
    expect(code).toEqual({ bucket: 'inkwell-prod-artifacts-123456789012-eu-west-1', key: bundle.key });
    expect(sent.map((c) => c.name)).toEqual([
      'HeadBucket',
      'CreateBucket',
      'PutPublicAccessBlock',
      'PutBucketEncryption',
      'HeadObject',
      'PutObject',
    ]);
    expect(sent.find((c) => c.name === 'PutPublicAccessBlock')?.input.PublicAccessBlockConfiguration).toEqual(
      {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    );
    expect(sent.find((c) => c.name === 'PutObject')?.input).toMatchObject({
      Key: bundle.key,
      Body: bundle.zip,
    });
  });

  it('never rewrites a package already uploaded (same code, same key: CloudFormation sees no change)', async () => {
    const { s3, sent } = fakeS3({ bucket: true, keys: [bundle.key] });
    await uploadPublisherCode(s3, settings, bundle, () => {});
    expect(sent.map((c) => c.name)).toEqual(['HeadBucket', 'HeadObject']);
  });

  it('points readers at uploads through the distribution, since the bucket is private behind it', () => {
    const config = productionRuntimeConfig(settings, { [OUTPUT.siteDomain]: 'd111.cloudfront.net' });
    expect(config.assetBaseUrl).toBe('https://d111.cloudfront.net/');
    const plain = productionRuntimeConfig({ ...settings, cdn: { enabled: false } }, {});
    expect(plain.assetBaseUrl).toBe(
      'https://inkwell-prod-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com/',
    );
  });
});
