import { describe, expect, it } from 'vitest';
import {
  anonymousPolicy,
  COGNITO_PRINCIPAL_VARIABLE,
  readerPolicy,
  writerPolicy,
} from '../src/core/access-policy.ts';
import { tableDefinition } from '../src/core/model.ts';
import { bucketCorsRules } from './provision.ts';
import {
  buildTemplate,
  type DeploymentSettings,
  DeploymentSettingsError,
  LOGICAL_ID,
  OUTPUT,
  policyContext,
  resolveNames,
} from './template.ts';

const settings: DeploymentSettings = {
  region: 'eu-west-1',
  accountId: '123456789012',
  stage: 'inkwell-prod',
  appOrigins: ['https://blog.example.com', 'https://www.blog.example.com'],
  providers: [
    { id: 'google', kind: 'google', label: 'Google', clientId: 'g-client.apps.googleusercontent.com' },
    { id: 'facebook', kind: 'facebook', label: 'Facebook', clientId: 'fb-app' },
    { id: 'okta', kind: 'oidc', label: 'Okta', issuer: 'https://example.okta.com', clientId: 'okta-client' },
  ],
};

type Properties = Record<string, unknown>;
const props = (template: ReturnType<typeof buildTemplate>, id: string) => {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`no resource ${id}`);
  return resource.Properties as Properties;
};
const inlinePolicy = (template: ReturnType<typeof buildTemplate>, id: string) =>
  (props(template, id).Policies as { PolicyDocument: unknown }[])[0]?.PolicyDocument;

describe('the CloudFormation template', () => {
  const template = buildTemplate(settings);
  const names = resolveNames(settings);

  it('gives the roles exactly the generated policies, policy variables intact', () => {
    const ctx = policyContext(settings, COGNITO_PRINCIPAL_VARIABLE);
    expect(inlinePolicy(template, LOGICAL_ID.writerRole)).toEqual(writerPolicy(ctx));
    expect(inlinePolicy(template, LOGICAL_ID.readerRole)).toEqual(readerPolicy(ctx));
    const json = JSON.stringify(template);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, meant literally
    expect(json).toContain('U#${cognito-identity.amazonaws.com:sub}');
    // No Fn::Sub anywhere: CloudFormation would read `${cognito-identity...}` as its own placeholder.
    expect(json).not.toContain('Fn::Sub');
  });

  it('creates the table from tableDefinition(), retained on delete', () => {
    const table = template.Resources[LOGICAL_ID.table]!;
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    const { StreamSpecification, ...definition } = tableDefinition(names.tableName);
    const properties = props(template, LOGICAL_ID.table);
    expect(Object.fromEntries(Object.keys(definition).map((k) => [k, properties[k]]))).toEqual(definition);
    // The publisher's stream, in CloudFormation's spelling (no StreamEnabled: a view type turns it on).
    expect(properties.StreamSpecification).toEqual({ StreamViewType: StreamSpecification.StreamViewType });
  });

  it('gives the bucket the CORS rules of bucketCorsRules(), in CloudFormation spelling', () => {
    const bucket = props(template, LOGICAL_ID.bucket);
    expect(bucket.BucketName).toBe(names.bucketName);
    const rules = (bucket.CorsConfiguration as { CorsRules: Record<string, unknown>[] }).CorsRules;
    const asS3 = rules.map(({ ExposedHeaders, MaxAge, ...same }) => ({
      ...same,
      ExposeHeaders: ExposedHeaders,
      MaxAgeSeconds: MaxAge,
    }));
    expect(asS3).toEqual(bucketCorsRules(settings.appOrigins));
  });

  it('aborts multipart uploads nobody resumed or discarded within a week', () => {
    const bucket = props(template, LOGICAL_ID.bucket);
    expect(bucket.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'abort-incomplete-multipart-uploads',
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        },
      ],
    });
  });

  it('without the CDN, makes the anonymous policy the bucket policy and lets only that policy be public', () => {
    // With the CDN the bucket is private (Origin Access Control): see template-hosting.test.ts.
    const plain = buildTemplate({ ...settings, cdn: { enabled: false } });
    const policy = props(plain, LOGICAL_ID.bucketPolicy).PolicyDocument as {
      Statement: Record<string, unknown>[];
    };
    const anonymous = anonymousPolicy(policyContext(settings, COGNITO_PRINCIPAL_VARIABLE));
    expect(policy.Statement).toEqual(anonymous.Statement.map((s) => ({ ...s, Principal: '*' })));
    expect(JSON.stringify(policy)).toContain(`arn:aws:s3:::${names.bucketName}/site/*`);
    expect(props(plain, LOGICAL_ID.bucket).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    });
  });

  it('trusts only this identity pool, authenticated for writers and guests for readers', () => {
    const trust = (id: string) =>
      (props(template, id).AssumeRolePolicyDocument as { Statement: Record<string, unknown>[] }).Statement[0];
    expect(trust(LOGICAL_ID.writerRole)).toEqual({
      Effect: 'Allow',
      Principal: { Federated: 'cognito-identity.amazonaws.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: LOGICAL_ID.identityPool } },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
      },
    });
    expect(trust(LOGICAL_ID.readerRole)?.Condition).toMatchObject({
      'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' },
    });
    expect(props(template, LOGICAL_ID.roleAttachment).Roles).toEqual({
      unauthenticated: { 'Fn::GetAtt': [LOGICAL_ID.readerRole, 'Arn'] },
      authenticated: { 'Fn::GetAtt': [LOGICAL_ID.writerRole, 'Arn'] },
    });
  });

  it('registers social logins and an IAM OIDC provider per OpenID issuer with the identity pool', () => {
    const pool = props(template, LOGICAL_ID.identityPool);
    expect(pool.AllowUnauthenticatedIdentities).toBe(true);
    // Guests take the basic flow: the enhanced flow scopes their keys down to no DynamoDB or S3 access.
    expect(pool.AllowClassicFlow).toBe(true);
    expect(pool.SupportedLoginProviders).toEqual({
      'accounts.google.com': 'g-client.apps.googleusercontent.com',
      'graph.facebook.com': 'fb-app',
    });
    expect(pool.OpenIdConnectProviderARNs).toEqual([{ Ref: LOGICAL_ID.oidcProvider('okta') }]);
    expect(template.Resources[LOGICAL_ID.oidcProvider('okta')]).toEqual({
      Type: 'AWS::IAM::OIDCProvider',
      Properties: { Url: 'https://example.okta.com', ClientIdList: ['okta-client'] },
    });
  });

  it('in STS mode gives each provider a writer role with its own policy variable and trust', () => {
    const sts = buildTemplate({ ...settings, identityMode: 'sts' });
    expect(sts.Resources[LOGICAL_ID.writerRole]).toBeUndefined();
    expect(inlinePolicy(sts, 'WriterRoleGoogle')).toEqual(
      writerPolicy(policyContext(settings, 'accounts.google.com:sub')),
    );
    expect(inlinePolicy(sts, 'WriterRoleOkta')).toEqual(
      writerPolicy(policyContext(settings, 'example.okta.com:sub')),
    );
    const oktaTrust = (props(sts, 'WriterRoleOkta').AssumeRolePolicyDocument as { Statement: unknown[] })
      .Statement[0];
    expect(oktaTrust).toMatchObject({
      Principal: { Federated: { Ref: LOGICAL_ID.oidcProvider('okta') } },
      Condition: { StringEquals: { 'example.okta.com:aud': 'okta-client' } },
    });
    expect(Object.keys(sts.Outputs)).toContain(OUTPUT.writerRoleArn('okta'));
    expect(props(sts, LOGICAL_ID.roleAttachment).Roles).not.toHaveProperty('authenticated');
  });

  it('serves the bucket through CloudFront (the router picks site/ or pages/), or not at all when disabled', () => {
    const config = props(template, LOGICAL_ID.distribution).DistributionConfig as {
      Origins: { OriginPath?: string; DomainName: string }[];
    };
    expect(config.Origins[0]?.DomainName).toBe(`${names.bucketName}.s3.eu-west-1.amazonaws.com`);
    expect(config.Origins[0]?.OriginPath).toBeUndefined();
    expect(buildTemplate({ ...settings, cdn: { enabled: false } }).Resources).not.toHaveProperty(
      LOGICAL_ID.distribution,
    );
  });

  it('stays within CloudFormation and IAM size limits, in STS mode too', () => {
    // Inline TemplateBody: 51,200 bytes. Inline role policies: 10,240 characters per role.
    const sts = buildTemplate({ ...settings, identityMode: 'sts' });
    expect(JSON.stringify(sts).length).toBeLessThan(51_200);
    for (const resource of Object.values(sts.Resources).filter((r) => r.Type === 'AWS::IAM::Role')) {
      expect(JSON.stringify(resource.Properties.Policies).length).toBeLessThan(10_240);
    }
  });

  it('refuses settings that cannot deploy, with a typed error', () => {
    const bad = (patch: Partial<DeploymentSettings>) => () => buildTemplate({ ...settings, ...patch });
    expect(bad({ accountId: '42' })).toThrow(DeploymentSettingsError);
    expect(bad({ appOrigins: [] })).toThrow(/appOrigins/);
    expect(
      bad({ providers: [{ id: 'x', kind: 'oidc', label: 'X', clientId: 'c', issuer: 'http://x' }] }),
    ).toThrow(/https issuer/);
    expect(bad({ cdn: { aliases: ['blog.example.com'] } })).toThrow(/certificateArn/);
  });
});
