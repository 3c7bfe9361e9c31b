/**
 * The IAM policies that keep Inkwell's users apart, generated from the data model.
 *
 * These documents are the single source: the local gateway enforces exactly them, and production
 * provisioning installs exactly them. With no application server, they are the whole security model:
 * see docs/security.md for what each statement is for and which attack it stops.
 */

import { COUNTER_ATTRIBUTES, INDEX, ITEM_ATTRIBUTES, KEY, PARTITION_PREFIX } from './model.ts';
import { PAGES_PREFIX, PUBLISHER_STATE_PREFIX } from './site/paths.ts';

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface AccessPolicyContext {
  region: string;
  accountId: string;
  tableName: string;
  bucketName: string;
  /**
   * The policy variable that names the signed-in user, without `${}`: with a Cognito identity pool
   * `cognito-identity.amazonaws.com:sub`; with STS web identity the provider's, such as
   * `accounts.google.com:sub`, `graph.facebook.com:id` or `www.amazon.com:user_id`.
   */
  principalVariable: string;
}

/** The S3 key prefix under which everything is public-read; each user writes only below their own. */
export const PUBLIC_ASSET_PREFIX = 'public/';

/**
 * The S3 key prefix the static build is deployed under (index.html, config.json, hashed assets).
 * Public-read like assets, but no user may write it: only the operator's deploy does.
 */
export const SITE_PREFIX = 'site/';

/**
 * The S3 key prefix of the public site the publisher renders (src/core/site/paths.ts): readable by
 * everyone, writable only by the publisher's role.
 */
export { PAGES_PREFIX } from './site/paths.ts';

export const COGNITO_PRINCIPAL_VARIABLE = 'cognito-identity.amazonaws.com:sub';

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

function arns(ctx: AccessPolicyContext) {
  const table = `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${ctx.tableName}`;
  return {
    table,
    index: (name: string) => `${table}/index/${name}`,
    bucket: `arn:aws:s3:::${ctx.bucketName}`,
    objects: (prefix: string) => `arn:aws:s3:::${ctx.bucketName}/${prefix}*`,
  };
}

/** Statements both roles share: reading everything public. */
function publicReadStatements(ctx: AccessPolicyContext): PolicyStatement[] {
  const arn = arns(ctx);
  return [
    {
      Sid: 'ReadPublicPartitions',
      Effect: 'Allow',
      Action: READ_ACTIONS,
      Resource: [arn.table, arn.index(INDEX.byDate.name)],
      Condition: {
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': [`${PARTITION_PREFIX.public}*`, `${PARTITION_PREFIX.counters}*`],
        },
      },
    },
    {
      // Only published items carry these indexes' keys, so everything in them is public by construction.
      Sid: 'QueryPublicIndexes',
      Effect: 'Allow',
      Action: 'dynamodb:Query',
      Resource: [arn.index(INDEX.feed.name), arn.index(INDEX.byTag.name), arn.index(INDEX.byPost.name)],
    },
    {
      Sid: 'ReadPublicAssets',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: [arn.objects(PUBLIC_ASSET_PREFIX), arn.objects(SITE_PREFIX)],
    },
  ];
}

/** The guest (unauthenticated) role: readers who never sign in. Read-only, public data only. */
export function readerPolicy(ctx: AccessPolicyContext): PolicyDocument {
  return { Version: '2012-10-17', Statement: publicReadStatements(ctx) };
}

/** The signed-in writer's role: everything public, plus full control of their own partitions and prefix. */
export function writerPolicy(ctx: AccessPolicyContext): PolicyDocument {
  const arn = arns(ctx);
  const me = `\${${ctx.principalVariable}}`;
  const ownPrefix = `${PUBLIC_ASSET_PREFIX}${me}/`;
  return {
    Version: '2012-10-17',
    Statement: [
      ...publicReadStatements(ctx),
      {
        Sid: 'ReadOwnDrafts',
        Effect: 'Allow',
        Action: READ_ACTIONS,
        Resource: [arn.table, arn.index(INDEX.byDate.name)],
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`${PARTITION_PREFIX.private}${me}`] },
        },
      },
      {
        Sid: 'WriteOwnItems',
        Effect: 'Allow',
        Action: WRITE_ACTIONS,
        Resource: arn.table,
        Condition: {
          'ForAllValues:StringEquals': {
            'dynamodb:LeadingKeys': [
              `${PARTITION_PREFIX.public}${me}`,
              `${PARTITION_PREFIX.private}${me}`,
              `${PARTITION_PREFIX.counters}${me}`,
            ],
            'dynamodb:Attributes': [...ITEM_ATTRIBUTES, ...COUNTER_ATTRIBUTES],
          },
        },
      },
      {
        // Reactions and comment counts on anyone's post: only the counter attributes, and nothing
        // read back but the new values.
        Sid: 'CountOnAnyPost',
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: arn.table,
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${PARTITION_PREFIX.counters}*`] },
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': [KEY.partition, KEY.sort, ...COUNTER_ATTRIBUTES],
          },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_NEW'] },
        },
      },
      {
        Sid: 'ManageOwnAssets',
        Effect: 'Allow',
        Action: [
          's3:PutObject',
          's3:GetObject',
          's3:DeleteObject',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        Resource: arn.objects(ownPrefix),
      },
      {
        Sid: 'ListOwnAssets',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: arn.bucket,
        Condition: { StringLike: { 's3:prefix': [ownPrefix, `${ownPrefix}*`] } },
      },
    ],
  };
}

/**
 * What anonymous (unsigned) HTTP requests may do: load public assets and the static site. On AWS this
 * statement, with `Principal: "*"`, is the bucket policy (infra/template.ts).
 */
export function anonymousPolicy(ctx: AccessPolicyContext): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PublicRead',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [
          arns(ctx).objects(PUBLIC_ASSET_PREFIX),
          arns(ctx).objects(SITE_PREFIX),
          arns(ctx).objects(PAGES_PREFIX),
        ],
      },
    ],
  };
}

/**
 * The publisher's role (Lambda on AWS, the stream runner locally): read the public partitions and
 * indexes and the table's stream, write only the rendered site under `pages/`. It can touch neither a
 * draft (`D#`) nor the app build (`site/`) nor anyone's uploads (`public/`).
 */
export function publisherPolicy(ctx: AccessPolicyContext): PolicyDocument {
  const arn = arns(ctx);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadPublicPartitions',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
        Resource: arn.table,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${PARTITION_PREFIX.public}*`] } },
      },
      {
        Sid: 'QueryPublicIndexes',
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: [arn.index(INDEX.feed.name), arn.index(INDEX.byTag.name), arn.index(INDEX.byPost.name)],
      },
      {
        Sid: 'ReadTableStream',
        Effect: 'Allow',
        Action: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        Resource: `${arn.table}/stream/*`,
      },
      {
        // Without ListBucket a missing object reads as AccessDenied, not NoSuchKey, and a condition on
        // s3:prefix does not count for GetObject (it has no prefix): the first run must tell "no
        // manifest yet" from "not allowed". Listing reveals only key names, all of them public.
        Sid: 'ListBucketForNotFound',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: arn.bucket,
      },
      {
        Sid: 'WriteRenderedSite',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
        Resource: [arn.objects(PAGES_PREFIX), arn.objects(PUBLISHER_STATE_PREFIX)],
      },
    ],
  };
}

/**
 * Replaces `${var}` policy variables with the session's values, as IAM does at evaluation time.
 *
 * - `${*}`, `${?}` and `${$}` stay as they are: they are IAM's literal `*`, `?` and `$`.
 * - A substituted value is written with those same escapes, so a value such as a web-identity `sub` of
 *   `ali*` matches only the literal text `ali*`, never as a wildcard (the sign-in stand-ins also refuse
 *   such subjects outright; see docs/security.md).
 * - `${name, 'default'}` uses the default when the session has no such variable.
 * - A missing variable without a default matches nothing, as in IAM.
 */
export function substitutePolicyVariables(
  policy: PolicyDocument,
  variables: Record<string, string>,
): PolicyDocument {
  const byName = new Map(Object.entries(variables).map(([name, value]) => [name.toLowerCase(), value]));
  const text = JSON.stringify(policy).replace(/\$\{([^}]*)\}/g, (whole, inside: string) => {
    if (inside === '*' || inside === '?' || inside === '$') return whole;
    const parsed = /^\s*([^,]+?)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inside);
    const name = parsed?.[1] ?? inside;
    const value = byName.get(name.toLowerCase()) ?? parsed?.[2];
    // An impossible value (a NUL character never appears in a request) makes the pattern match nothing.
    if (value === undefined) return `\\u0000missing:${name}`;
    return JSON.stringify(escapePolicyValue(value)).slice(1, -1);
  });
  return JSON.parse(text) as PolicyDocument;
}

/** Writes `*`, `?` and `$` as IAM's special-character variables, so they match only themselves. */
export function escapePolicyValue(value: string): string {
  return value.replace(/[*?$]/g, (c) => `\${${c}}`);
}
