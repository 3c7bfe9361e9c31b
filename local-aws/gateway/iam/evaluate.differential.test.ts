/**
 * The gateway's IAM evaluator against an independent one, @cloud-copilot/iam-simulate (AGPL-3.0-or-later:
 * a dev dependency for this test only, never imported by anything bundled or deployed). Cases are
 * generated from the shipped policies (src/core/access-policy.ts through local-aws/roles.ts) and from
 * the edge classes where evaluators tend to differ. Web-identity variables are substituted into the
 * policy text first (iam-simulate drops context keys it does not know); `aws:` variables are left for
 * iam-simulate to resolve itself, so defaults are compared too.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import {
  COGNITO_PRINCIPAL_VARIABLE,
  type PolicyDocument,
  substitutePolicyVariables,
} from '../../../src/core/access-policy.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, localRoles } from '../../roles.ts';
import { type ContextValue, evaluatePolicies } from './evaluate.ts';

interface Case {
  name: string;
  policy: PolicyDocument;
  action: string;
  resource: string;
  context: Record<string, ContextValue>;
}

const OURS_TO_THEIRS = {
  Allow: 'Allowed',
  ExplicitDeny: 'ExplicitlyDenied',
  ImplicitDeny: 'ImplicitlyDenied',
};

async function theirs(c: Case): Promise<string> {
  const contextVariables: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(c.context))
    if (value !== undefined) contextVariables[key] = value;
  const result = await runSimulation(
    {
      identityPolicies: [{ name: 'policy', policy: c.policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: c.action,
        principal: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/inkwell-writer/session`,
        resource: { resource: c.resource, accountId: LOCAL_ACCOUNT_ID },
        contextVariables,
      },
    },
    {},
  );
  return 'overallResult' in result ? String(result.overallResult) : `error ${JSON.stringify(result)}`;
}

function ours(c: Case): string {
  // The gateway substitutes a session's variables into its policy before evaluating; here the request's
  // `aws:` keys play the session's variables, so defaults are compared with iam-simulate's own resolution.
  const variables: Record<string, string> = {};
  for (const [key, value] of Object.entries(c.context)) if (typeof value === 'string') variables[key] = value;
  const policy = substitutePolicyVariables(c.policy, variables);
  return OURS_TO_THEIRS[
    evaluatePolicies([policy], { action: c.action, resource: c.resource, context: c.context })
  ];
}

async function disagreements(cases: Case[]): Promise<string[]> {
  const found: string[] = [];
  for (const c of cases) {
    const [a, b] = [ours(c), await theirs(c)];
    if (a !== b) found.push(`${c.name}: gateway ${a}, iam-simulate ${b}`);
  }
  return found;
}

const ALICE = 'us-east-1:11111111-1111-4111-8111-111111111111';
const BOB = 'us-east-1:22222222-2222-4222-8222-222222222222';
const ctx = {
  region: LOCAL_REGION,
  accountId: LOCAL_ACCOUNT_ID,
  tableName: 'inkwell',
  bucketName: 'inkwell-assets',
  principalVariable: COGNITO_PRINCIPAL_VARIABLE,
};
const roles = localRoles(ctx);
const TABLE = `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/inkwell`;
const BUCKET = 'arn:aws:s3:::inkwell-assets';

function shippedCases(): Case[] {
  const policies: [string, PolicyDocument][] = [
    [
      'writer(alice)',
      substitutePolicyVariables(roles.writer.policy, { [COGNITO_PRINCIPAL_VARIABLE]: ALICE }),
    ],
    ['reader', substitutePolicyVariables(roles.reader.policy, {})],
  ];
  const cases: Case[] = [];
  const dynamoActions = ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'Scan'];
  const resources = [TABLE, `${TABLE}/index/by-date`, `${TABLE}/index/feed`];
  const leading: (string[] | undefined)[] = [
    [`U#${ALICE}`],
    [`D#${ALICE}`],
    [`D#${BOB}`],
    [`N#${BOB}`],
    [`U#${ALICE}`, `D#${BOB}`],
    [],
    undefined,
  ];
  const attributes: (string[] | undefined)[] = [undefined, ['PK', 'SK', 'likes'], ['PK', 'SK', 'isAdmin']];
  const returnValues = [undefined, 'NONE', 'ALL_NEW'];
  for (const [name, policy] of policies)
    for (const action of dynamoActions)
      for (const resource of resources)
        for (const keys of leading)
          for (const attrs of attributes)
            for (const rv of returnValues)
              cases.push({
                name: `${name} dynamodb:${action} ${resource.split('/').slice(1).join('/')} LK=${JSON.stringify(keys)} A=${JSON.stringify(attrs)} RV=${rv}`,
                policy,
                action: `dynamodb:${action}`,
                resource,
                context: {
                  'dynamodb:LeadingKeys': keys,
                  'dynamodb:Attributes': attrs,
                  'dynamodb:ReturnValues': rv,
                },
              });
  for (const [name, policy] of policies) {
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'])
      for (const key of [`public/${ALICE}/x.png`, `public/${BOB}/x.png`, 'site/index.html', 'private/x'])
        cases.push({
          name: `${name} ${action} ${key}`,
          policy,
          action,
          resource: `${BUCKET}/${key}`,
          context: {},
        });
    for (const prefix of [`public/${ALICE}/`, `public/${ALICE}/a`, `public/${BOB}/`, 'public/', undefined])
      cases.push({
        name: `${name} s3:ListBucket prefix=${prefix}`,
        policy,
        action: 's3:ListBucket',
        resource: BUCKET,
        context: { 's3:prefix': prefix },
      });
  }
  return cases;
}

const allow = (statement: Record<string, unknown>): PolicyDocument =>
  ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] }) as unknown as PolicyDocument;

function edgeCases(): Case[] {
  const cases: Case[] = [];
  // IPv4 and IPv6 in IpAddress / NotIpAddress.
  for (const operator of ['IpAddress', 'NotIpAddress'])
    for (const ip of [
      '203.0.113.5',
      '198.51.100.1',
      '2001:db8::1',
      '2001:db8:0:0:0:0:0:ff',
      '2001:db9::1',
      '::1',
      undefined,
    ])
      cases.push({
        name: `${operator} aws:SourceIp=${ip}`,
        policy: allow({
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { [operator]: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } },
        }),
        action: 's3:GetObject',
        resource: `${BUCKET}/x`,
        context: { 'aws:SourceIp': ip },
      });
  // The special characters ${*}, ${?}, ${$}.
  for (const [pattern, keys] of [
    [`\${*}/x`, ['*/x', 'any/x']],
    [`a\${?}b`, ['a?b', 'acb']],
    [`\${$}x`, ['$x', 'x']],
    [`a\${*}*`, ['a*', 'a*b', 'ab']],
  ] as const)
    for (const key of keys) {
      cases.push({
        name: `Resource ${pattern} vs ${key}`,
        policy: allow({ Action: 's3:GetObject', Resource: `${BUCKET}/${pattern}` }),
        action: 's3:GetObject',
        resource: `${BUCKET}/${key}`,
        context: {},
      });
      cases.push({
        name: `StringLike s3:prefix ${pattern} vs ${key}`,
        policy: allow({
          Action: 's3:ListBucket',
          Resource: BUCKET,
          Condition: { StringLike: { 's3:prefix': pattern } },
        }),
        action: 's3:ListBucket',
        resource: BUCKET,
        context: { 's3:prefix': key },
      });
      cases.push({
        name: `StringEquals s3:prefix ${pattern} vs ${key}`,
        policy: allow({
          Action: 's3:ListBucket',
          Resource: BUCKET,
          Condition: { StringEquals: { 's3:prefix': pattern } },
        }),
        action: 's3:ListBucket',
        resource: BUCKET,
        context: { 's3:prefix': key },
      });
    }
  // Policy-variable defaults.
  for (const [key, tag] of [
    ['none/x', undefined],
    ['red/x', 'red'],
    ['red/x', undefined],
    ['none/x', 'red'],
  ] as const)
    cases.push({
      name: `default \${aws:PrincipalTag/team, 'none'} vs ${key} tag=${tag}`,
      policy: allow({ Action: 's3:GetObject', Resource: `${BUCKET}/\${aws:PrincipalTag/team, 'none'}/*` }),
      action: 's3:GetObject',
      resource: `${BUCKET}/${key}`,
      context: { 'aws:PrincipalTag/team': tag },
    });
  // Missing keys under negated operators and ...IfExists.
  for (const operator of [
    'StringNotEquals',
    'StringNotLike',
    'StringNotEqualsIgnoreCase',
    'StringEqualsIfExists',
    'StringNotEqualsIfExists',
    'StringLikeIfExists',
  ])
    for (const prefix of ['public/', 'other/', undefined])
      cases.push({
        name: `${operator} s3:prefix=${prefix}`,
        policy: allow({
          Action: 's3:ListBucket',
          Resource: BUCKET,
          Condition: { [operator]: { 's3:prefix': 'public/' } },
        }),
        action: 's3:ListBucket',
        resource: BUCKET,
        context: { 's3:prefix': prefix },
      });
  for (const operator of ['ArnNotEquals', 'ArnNotLike', 'ArnEqualsIfExists'])
    for (const arn of ['arn:aws:s3:::inkwell-assets', 'arn:aws:s3:::other', undefined])
      cases.push({
        name: `${operator} aws:SourceArn=${arn}`,
        policy: allow({
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { [operator]: { 'aws:SourceArn': 'arn:aws:s3:::inkwell-*' } },
        }),
        action: 's3:GetObject',
        resource: `${BUCKET}/x`,
        context: { 'aws:SourceArn': arn },
      });
  for (const operator of ['NumericNotEquals', 'NumericLessThanIfExists', 'DateNotEquals', 'BoolIfExists'])
    for (const value of [operator.startsWith('Bool') ? 'true' : '5', undefined])
      cases.push({
        name: `${operator} aws:MultiFactorAuthAge=${value}`,
        policy: allow({
          Action: 's3:GetObject',
          Resource: '*',
          Condition: {
            [operator]: operator.startsWith('Bool')
              ? { 'aws:SecureTransport': 'true' }
              : operator.startsWith('Date')
                ? { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }
                : { 'aws:MultiFactorAuthAge': '10' },
          },
        }),
        action: 's3:GetObject',
        resource: `${BUCKET}/x`,
        context: operator.startsWith('Bool')
          ? { 'aws:SecureTransport': value }
          : operator.startsWith('Date')
            ? { 'aws:CurrentTime': value === undefined ? undefined : '2026-01-01T00:00:00Z' }
            : { 'aws:MultiFactorAuthAge': value },
      });
  // ForAllValues / ForAnyValue on empty and missing sets.
  for (const operator of [
    'ForAllValues:StringEquals',
    'ForAllValues:StringLike',
    'ForAllValues:StringNotEquals',
    'ForAnyValue:StringEquals',
    'ForAnyValue:StringLike',
    'ForAnyValue:StringNotEquals',
  ])
    for (const keys of [[], undefined, ['U#a'], ['U#a', 'D#a'], ['D#a']])
      cases.push({
        name: `${operator} dynamodb:LeadingKeys=${JSON.stringify(keys)}`,
        policy: allow({
          Action: 'dynamodb:GetItem',
          Resource: TABLE,
          Condition: { [operator]: { 'dynamodb:LeadingKeys': 'U#*' } },
        }),
        action: 'dynamodb:GetItem',
        resource: TABLE,
        context: { 'dynamodb:LeadingKeys': keys },
      });
  // Wildcard characters in a web-identity sub, substituted into the STS-mode writer policy.
  const stsWriter = localRoles({ ...ctx, principalVariable: 'accounts.example.com:sub' }).writer.policy;
  for (const sub of ['*', '?????', 'ali*', 'a$b', 'alice'])
    for (const [action, resource, context] of [
      ['s3:PutObject', `${BUCKET}/public/alice/x.png`, {}],
      ['s3:PutObject', `${BUCKET}/public/${sub}/x.png`, {}],
      ['s3:ListBucket', BUCKET, { 's3:prefix': 'public/alice/' }],
      [
        'dynamodb:PutItem',
        TABLE,
        { 'dynamodb:LeadingKeys': ['U#alice'], 'dynamodb:Attributes': ['PK', 'SK'] },
      ],
    ] satisfies [string, string, Record<string, ContextValue>][])
      cases.push({
        name: `sub ${JSON.stringify(sub)} ${action} ${resource.split(':::')[1] ?? 'table'} ${JSON.stringify(context)}`,
        policy: substitutePolicyVariables(stsWriter, { 'accounts.example.com:sub': sub }),
        action,
        resource,
        context,
      });
  return cases;
}

describe('the gateway evaluator agrees with iam-simulate', () => {
  it('on every case generated from the shipped reader and writer policies', async () => {
    const cases = shippedCases();
    expect(cases.length).toBeGreaterThan(1000);
    expect(await disagreements(cases)).toEqual([]);
  }, 120_000);

  it('on the edge classes: IPv6, the special characters, defaults, negated operators, empty sets, wildcard subs', async () => {
    // The one known difference, kept on purpose: IAM's documentation defines `\${*}`, `\${?}` and `\${$}`
    // as policy variables whose values are the characters, and StringEquals substitutes policy variables;
    // iam-simulate compares them as the literal four-character text instead. Any other difference fails.
    expect(await disagreements(edgeCases())).toEqual([
      `StringEquals s3:prefix \${*}/x vs */x: gateway Allowed, iam-simulate ImplicitlyDenied`,
      `StringEquals s3:prefix a\${?}b vs a?b: gateway Allowed, iam-simulate ImplicitlyDenied`,
      `StringEquals s3:prefix \${$}x vs $x: gateway Allowed, iam-simulate ImplicitlyDenied`,
    ]);
  }, 60_000);
});
