/**
 * Inkwell's AWS account as code: a CloudFormation template built in TypeScript from the same modules
 * the app and the local stack use. Nothing here restates a key, an index or a policy: the table is
 * `tableDefinition()`, the CORS rules are `bucketCorsRules()`, and the roles' identity policies are the
 * documents `writerPolicy()` / `readerPolicy()` return, embedded unchanged.
 *
 * Why plain CloudFormation rather than the CDK: the template is a JSON object, which TypeScript builds
 * with no new dependency, no synth step and no per-account bootstrap stack; the deploy script hands it
 * to CloudFormation with the SDK client the project already uses. See docs/deploy.md.
 *
 * Policy variables and `${...}`: IAM policy variables (`${cognito-identity.amazonaws.com:sub}`) look like
 * CloudFormation's `Fn::Sub` placeholders, but CloudFormation only interprets `${}` inside `Fn::Sub`.
 * The template therefore never wraps a policy in `Fn::Sub` (names and ARNs are resolved here, in
 * TypeScript), so the generated JSON reaches IAM byte for byte. Wrapping it in `Fn::Sub` would require
 * escaping every variable as `${!...}`, i.e. a second, edited copy of the policy: exactly what we avoid.
 */

import {
  type AccessPolicyContext,
  anonymousPolicy,
  COGNITO_PRINCIPAL_VARIABLE,
  type PolicyDocument,
  readerPolicy,
  writerPolicy,
} from '../src/core/access-policy.ts';
import { type TableDefinition, tableDefinition } from '../src/core/model.ts';
import { cognitoRoleTrust } from '../src/core/trust-policy.ts';
import { cdnBucketPolicy, distributionResources } from './cdn.ts';
import { bucketCorsRules } from './provision.ts';
import { artifactsBucketName, type CodeLocation, publisherResources } from './publisher-stack.ts';

export type ProviderKind = 'google' | 'amazon' | 'facebook' | 'oidc';

/** One sign-in provider, as the operator configures it in inkwell.deploy.json. */
export interface ProviderSettings {
  /** The id config.json gives the app (`google`, `okta`, ...). */
  id: string;
  kind: ProviderKind;
  label: string;
  /** The OAuth client id (Google), app id (Facebook) or client/app id (Amazon, OpenID). */
  clientId: string;
  /** Required for `oidc`: the issuer URL (https). Fixed for the social providers. */
  issuer?: string;
  scope?: string;
  /** IAM OIDC provider thumbprints; IAM fetches and trusts the issuer's CA itself when omitted. */
  thumbprints?: string[];
}

export interface CdnSettings {
  /** Default true: a CloudFront distribution serves `site/` at a domain root (the build uses `/` paths). */
  enabled?: boolean;
  /** Custom domain names (CNAMEs); need `certificateArn` (ACM, in us-east-1). */
  aliases?: string[];
  certificateArn?: string;
}

/** Everything a deployment needs to know: the fields of inkwell.deploy.json (docs/deploy.md). */
export interface DeploymentSettings {
  region: string;
  /** The AWS account: ARNs in the policies name it, and deploy refuses to run against another one. */
  accountId: string;
  /** Name prefix and stack name, e.g. `inkwell-prod`. */
  stage: string;
  /** Default: the stage. */
  tableName?: string;
  /** Default: `<stage>-<accountId>-<region>` (bucket names are global). */
  bucketName?: string;
  /** Origins the app is served from: the only ones the bucket's CORS rules admit. */
  appOrigins: string[];
  /** `cognito` (default): the identity pool issues writer keys. `sts`: AssumeRoleWithWebIdentity. */
  identityMode?: 'cognito' | 'sts';
  providers: ProviderSettings[];
  cdn?: CdnSettings;
  /** Where readers load public assets; default the bucket's regional URL. A CDN URL goes here. */
  assetBaseUrl?: string;
}

export class DeploymentSettingsError extends Error {
  readonly code = 'deploy-settings-invalid';
}

/** What each provider kind is called in Cognito `Logins`, IAM trust policies and policy variables. */
interface ProviderIdentity {
  issuer: string;
  loginsKey: string;
  /** The policy variable naming the user with STS web identity (without `${}`). */
  principalVariable: string;
  /** The trust-policy condition key that carries the client id. */
  audienceKey: string;
}

const SOCIAL: Record<Exclude<ProviderKind, 'oidc'>, ProviderIdentity> = {
  google: {
    issuer: 'https://accounts.google.com',
    loginsKey: 'accounts.google.com',
    principalVariable: 'accounts.google.com:sub',
    audienceKey: 'accounts.google.com:aud',
  },
  amazon: {
    issuer: 'https://www.amazon.com',
    loginsKey: 'www.amazon.com',
    principalVariable: 'www.amazon.com:user_id',
    audienceKey: 'www.amazon.com:app_id',
  },
  facebook: {
    issuer: 'https://www.facebook.com',
    loginsKey: 'graph.facebook.com',
    principalVariable: 'graph.facebook.com:id',
    audienceKey: 'graph.facebook.com:app_id',
  },
};

export function providerIdentity(provider: ProviderSettings): ProviderIdentity {
  if (provider.kind !== 'oidc') return SOCIAL[provider.kind];
  if (!provider.issuer?.startsWith('https://')) {
    throw new DeploymentSettingsError(`provider "${provider.id}": an oidc provider needs an https issuer`);
  }
  // IAM and Cognito name an OpenID provider by its issuer without the scheme (and trailing slash).
  const key = provider.issuer.replace(/^https:\/\//, '').replace(/\/$/, '');
  return {
    issuer: provider.issuer,
    loginsKey: key,
    principalVariable: `${key}:sub`,
    audienceKey: `${key}:aud`,
  };
}

export interface ResolvedNames {
  stackName: string;
  tableName: string;
  bucketName: string;
}

export function resolveNames(settings: DeploymentSettings): ResolvedNames {
  return {
    stackName: settings.stage,
    tableName: settings.tableName ?? settings.stage,
    bucketName: settings.bucketName ?? `${settings.stage}-${settings.accountId}-${settings.region}`,
  };
}

/** The policy context for one writer principal variable: the same input the local stack gives. */
export function policyContext(settings: DeploymentSettings, principalVariable: string): AccessPolicyContext {
  const names = resolveNames(settings);
  return {
    region: settings.region,
    accountId: settings.accountId,
    tableName: names.tableName,
    bucketName: names.bucketName,
    principalVariable,
  };
}

/** CloudFormation spells S3's CORS fields differently (ExposedHeaders, MaxAge): a rename, not a copy. */
export function cloudFormationCorsRules(rules: ReturnType<typeof bucketCorsRules>) {
  return rules.map(({ ExposeHeaders, MaxAgeSeconds, ...same }) => ({
    ...same,
    ExposedHeaders: ExposeHeaders,
    MaxAge: MaxAgeSeconds,
  }));
}

/** Logical ids are alphanumeric: `okta-dev` becomes `OktaDev`. */
export function logicalSuffix(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

export const LOGICAL_ID = {
  table: 'Table',
  bucket: 'AssetsBucket',
  bucketPolicy: 'AssetsBucketPolicy',
  identityPool: 'IdentityPool',
  roleAttachment: 'IdentityPoolRoles',
  readerRole: 'ReaderRole',
  /** Cognito mode: the one authenticated role. STS mode: `WriterRole<Provider>` per provider. */
  writerRole: 'WriterRole',
  oidcProvider: (id: string) => `OidcProvider${logicalSuffix(id)}`,
  distribution: 'SiteDistribution',
} as const;

/** Output keys deploy reads back to write config.json. */
export const OUTPUT = {
  tableName: 'TableName',
  bucketName: 'BucketName',
  identityPoolId: 'IdentityPoolId',
  readerRoleArn: 'ReaderRoleArn',
  writerRoleArn: (providerId?: string) => `WriterRoleArn${providerId ? logicalSuffix(providerId) : ''}`,
  siteDomain: 'SiteDomain',
} as const;

type Intrinsic = { Ref: string } | { 'Fn::GetAtt': [string, string] };
type TemplateValue = unknown;

export interface TemplateResource {
  Type: string;
  Properties: Record<string, TemplateValue>;
  DeletionPolicy?: 'Retain' | 'Delete';
  UpdateReplacePolicy?: 'Retain' | 'Delete';
  DependsOn?: string[];
}

export interface CloudFormationTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Resources: Record<string, TemplateResource>;
  Outputs: Record<string, { Value: TemplateValue; Description?: string }>;
}

const ref = (logicalId: string): Intrinsic => ({ Ref: logicalId });
const arnOf = (logicalId: string): Intrinsic => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

export function validateSettings(settings: DeploymentSettings): void {
  const missing = (['region', 'accountId', 'stage'] as const).filter((field) => !settings[field]);
  if (missing.length) throw new DeploymentSettingsError(`missing settings: ${missing.join(', ')}`);
  if (!/^\d{12}$/.test(settings.accountId)) {
    throw new DeploymentSettingsError('accountId must be the 12-digit AWS account id');
  }
  if (!/^[a-z][a-z0-9-]{1,40}$/.test(settings.stage)) {
    throw new DeploymentSettingsError('stage must be lowercase letters, digits and dashes (max 41)');
  }
  if (!Array.isArray(settings.appOrigins) || settings.appOrigins.length === 0) {
    throw new DeploymentSettingsError('appOrigins must list at least one origin (https://blog.example.com)');
  }
  const ids = new Set<string>();
  for (const provider of settings.providers ?? []) {
    if (ids.has(provider.id)) throw new DeploymentSettingsError(`provider id "${provider.id}" repeats`);
    ids.add(provider.id);
    if (!provider.clientId) throw new DeploymentSettingsError(`provider "${provider.id}" needs a clientId`);
    providerIdentity(provider);
  }
  const cdn = settings.cdn ?? {};
  if (cdn.aliases?.length && !cdn.certificateArn) {
    throw new DeploymentSettingsError(
      'cdn.aliases need cdn.certificateArn (an ACM certificate in us-east-1)',
    );
  }
}

function webIdentityTrust(
  federated: TemplateValue,
  conditions: Record<string, Record<string, TemplateValue>>,
): TemplateValue {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: federated },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: conditions,
      },
    ],
  };
}

/**
 * Trust for the identity pool's roles: only this pool, only the given kind of identity. The same
 * document the local STS evaluates for the basic flow (src/core/trust-policy.ts).
 */
function cognitoTrust(amr: 'authenticated' | 'unauthenticated'): TemplateValue {
  return cognitoRoleTrust(ref(LOGICAL_ID.identityPool), amr);
}

function role(trust: TemplateValue, policyName: string, policy: PolicyDocument, description: string) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: description,
      AssumeRolePolicyDocument: trust,
      // The generated document, unchanged: no Fn::Sub, so `${...}` policy variables reach IAM intact.
      Policies: [{ PolicyName: policyName, PolicyDocument: policy }],
    },
  } satisfies TemplateResource;
}

export interface TemplateOptions {
  /** The publisher's deployment package (deploy uploads it first); default: a placeholder key. */
  publisherCode?: CodeLocation;
}

/** The publisher's package location when none is given (dry runs, tests): deploy always gives one. */
export function defaultPublisherCode(settings: DeploymentSettings): CodeLocation {
  return {
    bucket: artifactsBucketName(settings.stage, settings.accountId, settings.region),
    key: 'publisher/<content hash>.zip',
  };
}

/** Builds the whole template. Pure: the dry run prints it and the tests inspect it. */
export function buildTemplate(
  settings: DeploymentSettings,
  options: TemplateOptions = {},
): CloudFormationTemplate {
  validateSettings(settings);
  const names = resolveNames(settings);
  const mode = settings.identityMode ?? 'cognito';
  const providers = settings.providers ?? [];
  const resources: Record<string, TemplateResource> = {};
  const outputs: CloudFormationTemplate['Outputs'] = {};

  const table: TableDefinition = tableDefinition(names.tableName);
  resources[LOGICAL_ID.table] = {
    Type: 'AWS::DynamoDB::Table',
    // Posts outlive stacks: deleting or replacing the stack must never drop the table.
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      ...table,
      // CloudFormation's StreamSpecification has the view type only; a stream is on when it is given.
      StreamSpecification: { StreamViewType: table.StreamSpecification.StreamViewType },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    },
  };

  const cdn = settings.cdn ?? {};
  const cdnEnabled = cdn.enabled !== false;
  resources[LOGICAL_ID.bucket] = {
    Type: 'AWS::S3::Bucket',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      BucketName: names.bucketName,
      CorsConfiguration: { CorsRules: cloudFormationCorsRules(bucketCorsRules(settings.appOrigins)) },
      // ACLs stay off and blocked. With the CDN nothing is public at all (the distribution's grant is
      // not a public policy); without it, only our bucket policy may make objects public.
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      // Uploads a writer never resumed nor discarded (a closed laptop) stop being stored, and billed.
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'abort-incomplete-multipart-uploads',
            Status: 'Enabled',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: cdnEnabled,
        RestrictPublicBuckets: cdnEnabled,
      },
    },
  };

  // With the CDN the bucket is private: only the distribution reads, through Origin Access Control.
  // Without it, the anonymous policy (public read of public/* and site/*) is the bucket policy.
  const anonymous = anonymousPolicy(policyContext(settings, COGNITO_PRINCIPAL_VARIABLE));
  resources[LOGICAL_ID.bucketPolicy] = {
    Type: 'AWS::S3::BucketPolicy',
    Properties: {
      Bucket: ref(LOGICAL_ID.bucket),
      PolicyDocument: cdnEnabled
        ? cdnBucketPolicy(names.bucketName, settings.accountId, LOGICAL_ID.distribution)
        : {
            Version: anonymous.Version,
            Statement: anonymous.Statement.map((statement) => ({ ...statement, Principal: '*' })),
          },
    },
  };

  for (const provider of providers.filter((p) => p.kind === 'oidc')) {
    resources[LOGICAL_ID.oidcProvider(provider.id)] = {
      Type: 'AWS::IAM::OIDCProvider',
      Properties: {
        Url: provider.issuer,
        ClientIdList: [provider.clientId],
        ...(provider.thumbprints?.length ? { ThumbprintList: provider.thumbprints } : {}),
      },
    };
  }

  const supportedLogins = Object.fromEntries(
    providers.filter((p) => p.kind !== 'oidc').map((p) => [providerIdentity(p).loginsKey, p.clientId]),
  );
  const oidcArns = providers.filter((p) => p.kind === 'oidc').map((p) => ref(LOGICAL_ID.oidcProvider(p.id)));
  resources[LOGICAL_ID.identityPool] = {
    Type: 'AWS::Cognito::IdentityPool',
    Properties: {
      IdentityPoolName: names.stackName.replace(/[^A-Za-z0-9_]/g, '_'),
      // Readers browse as guests: unauthenticated identities get the reader role.
      AllowUnauthenticatedIdentities: true,
      // Guests use the basic flow (GetOpenIdToken + STS): in the enhanced flow Cognito scopes guest
      // credentials down to AmazonCognitoUnAuthedIdentitiesSessionPolicy, which allows no DynamoDB or S3.
      AllowClassicFlow: true,
      ...(Object.keys(supportedLogins).length ? { SupportedLoginProviders: supportedLogins } : {}),
      ...(oidcArns.length ? { OpenIdConnectProviderARNs: oidcArns } : {}),
    },
  };

  resources[LOGICAL_ID.readerRole] = role(
    cognitoTrust('unauthenticated'),
    'inkwell-reader',
    readerPolicy(policyContext(settings, COGNITO_PRINCIPAL_VARIABLE)),
    'Inkwell guests (Cognito unauthenticated identities): read public data',
  );
  outputs[OUTPUT.readerRoleArn] = { Value: arnOf(LOGICAL_ID.readerRole) };

  const attachedRoles: Record<string, TemplateValue> = { unauthenticated: arnOf(LOGICAL_ID.readerRole) };
  if (mode === 'cognito') {
    resources[LOGICAL_ID.writerRole] = role(
      cognitoTrust('authenticated'),
      'inkwell-writer',
      writerPolicy(policyContext(settings, COGNITO_PRINCIPAL_VARIABLE)),
      'Inkwell writers (Cognito authenticated identities): own partitions and asset prefix',
    );
    attachedRoles.authenticated = arnOf(LOGICAL_ID.writerRole);
    outputs[OUTPUT.writerRoleArn()] = { Value: arnOf(LOGICAL_ID.writerRole) };
  } else {
    // With STS each provider names its users by its own policy variable, so each gets its own role.
    for (const provider of providers) {
      const identity = providerIdentity(provider);
      const federated =
        provider.kind === 'oidc' ? ref(LOGICAL_ID.oidcProvider(provider.id)) : identity.loginsKey;
      const logicalId = `${LOGICAL_ID.writerRole}${logicalSuffix(provider.id)}`;
      resources[logicalId] = role(
        webIdentityTrust(federated, { StringEquals: { [identity.audienceKey]: provider.clientId } }),
        'inkwell-writer',
        writerPolicy(policyContext(settings, identity.principalVariable)),
        `Inkwell writers signed in with ${provider.label} (STS web identity)`,
      );
      outputs[OUTPUT.writerRoleArn(provider.id)] = { Value: arnOf(logicalId) };
    }
  }
  resources[LOGICAL_ID.roleAttachment] = {
    Type: 'AWS::Cognito::IdentityPoolRoleAttachment',
    Properties: { IdentityPoolId: ref(LOGICAL_ID.identityPool), Roles: attachedRoles },
  };

  const aliases = cdn.aliases ?? [];
  if (cdnEnabled) {
    Object.assign(
      resources,
      distributionResources(
        {
          stackName: names.stackName,
          bucketName: names.bucketName,
          region: settings.region,
          aliases,
          ...(cdn.certificateArn ? { certificateArn: cdn.certificateArn } : {}),
        },
        LOGICAL_ID.distribution,
      ),
    );
    outputs[OUTPUT.siteDomain] = { Value: { 'Fn::GetAtt': [LOGICAL_ID.distribution, 'DomainName'] } };
  }

  // The origin pages link to: the custom domain, else the distribution's, else the first app origin.
  const siteUrl = aliases.length
    ? `https://${aliases[0]}`
    : cdnEnabled
      ? { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [LOGICAL_ID.distribution, 'DomainName'] }]] }
      : settings.appOrigins[0];
  Object.assign(
    resources,
    publisherResources({
      stackName: names.stackName,
      region: settings.region,
      accountId: settings.accountId,
      tableName: names.tableName,
      bucketName: names.bucketName,
      tableLogicalId: LOGICAL_ID.table,
      siteUrl,
      code: options.publisherCode ?? defaultPublisherCode(settings),
    }),
  );

  outputs[OUTPUT.tableName] = { Value: ref(LOGICAL_ID.table) };
  outputs[OUTPUT.bucketName] = { Value: ref(LOGICAL_ID.bucket) };
  outputs[OUTPUT.identityPoolId] = { Value: ref(LOGICAL_ID.identityPool) };

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Inkwell (${names.stackName}): table, bucket, site, publisher, identity pool, IAM roles`,
    Resources: resources,
    Outputs: outputs,
  };
}
