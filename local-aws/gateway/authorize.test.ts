/**
 * The generated Inkwell policies, enforced on realistic DynamoDB and S3 calls: what the gateway decides
 * for alice, bob, a guest reader and anonymous callers.
 */
import { describe, expect, it } from 'vitest';
import {
  type AccessPolicyContext,
  anonymousPolicy,
  COGNITO_PRINCIPAL_VARIABLE,
  type PolicyDocument,
  readerPolicy,
  substitutePolicyVariables,
  writerPolicy,
} from '../../src/core/access-policy.ts';
import { tableDefinition } from '../../src/core/model.ts';
import { assumedRoleArn, authorize } from './authorize.ts';
import { AwsError } from './aws-errors.ts';
import { dynamoAuthorizationRequests, type TableKeySchema } from './iam/dynamodb-requests.ts';
import type { EvaluablePolicy } from './iam/evaluate.ts';
import { s3AuthorizationRequests } from './iam/s3-requests.ts';

const ctx: AccessPolicyContext = {
  region: 'us-east-1',
  accountId: '000000000000',
  tableName: 'inkwell',
  bucketName: 'inkwell-assets',
  principalVariable: COGNITO_PRINCIPAL_VARIABLE,
};
const ALICE = 'us-east-1:alice';
const BOB = 'us-east-1:bob';
const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/inkwell';

const writer = (id: string) =>
  substitutePolicyVariables(writerPolicy(ctx), { [COGNITO_PRINCIPAL_VARIABLE]: id });
const alice = {
  policy: writer(ALICE),
  arn: assumedRoleArn('arn:aws:iam::000000000000:role/inkwell-writer', 'alice'),
};
const reader = {
  policy: substitutePolicyVariables(readerPolicy(ctx), {}),
  arn: assumedRoleArn('arn:aws:iam::000000000000:role/inkwell-reader', 'guest'),
};

const definition = tableDefinition('inkwell');
const keysOf = (schema: { AttributeName: string; KeyType: string }[]) => ({
  hashKey: schema.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '',
  rangeKey: schema.find((k) => k.KeyType === 'RANGE')?.AttributeName ?? '',
});
const schema: TableKeySchema = {
  ...keysOf(definition.KeySchema),
  indexes: Object.fromEntries(
    [...definition.LocalSecondaryIndexes, ...definition.GlobalSecondaryIndexes].map((i) => [
      i.IndexName,
      keysOf(i.KeySchema),
    ]),
  ),
};

interface Caller {
  policy: PolicyDocument;
  arn: string;
}

function dynamo(caller: Caller, operation: string, input: unknown): void {
  const requests = dynamoAuthorizationRequests(
    operation,
    input,
    (name) => (name === 'inkwell' ? schema : undefined),
    ctx,
  );
  authorize([caller.policy], requests, caller.arn, 'dynamodb');
}

function s3(
  caller: Caller | undefined,
  method: string,
  path: string,
  query = '',
  headers: Record<string, string> = {},
  body = '',
) {
  const requests = s3AuthorizationRequests(method, path, query, headers, new TextEncoder().encode(body));
  authorize([caller?.policy ?? anonymousPolicy(ctx)], requests, caller?.arn, 's3');
}

function denial(fn: () => void): AwsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error('expected the call to be denied');
}

const S = (value: string) => ({ S: value });
const post = (owner: string, slug = 'hello') => ({
  PK: S(`U#${owner}`),
  SK: S(`P#${slug}`),
  type: S('post'),
  title: S('Hello'),
  slug: S(slug),
  body: S('# Hello'),
  publishedAt: S('2026-11-26T12:00:00Z'),
  GSI1PK: S('FEED#2026-11'),
  GSI1SK: S('2026-11-26T12:00:00Z'),
});

describe('DynamoDB under the generated policies', () => {
  it('alice may put her own public item but not bob’s', () => {
    expect(() => dynamo(alice, 'PutItem', { TableName: 'inkwell', Item: post(ALICE) })).not.toThrow();
    const error = denial(() => dynamo(alice, 'PutItem', { TableName: 'inkwell', Item: post(BOB) }));
    expect(error).toMatchObject({ code: 'AccessDeniedException', httpStatus: 400 });
    expect(error.message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/inkwell-writer/alice is not authorized to perform: dynamodb:PutItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
    );
  });

  it('alice may not smuggle in an attribute the data model does not know', () => {
    const item = { ...post(ALICE), isAdmin: { BOOL: true } };
    expect(denial(() => dynamo(alice, 'PutItem', { TableName: 'inkwell', Item: item })).code).toBe(
      'AccessDeniedException',
    );
  });

  it('alice may query her own drafts but not bob’s', () => {
    const drafts = (owner: string) => ({
      TableName: 'inkwell',
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': S(`D#${owner}`), ':p': S('P#') },
    });
    expect(() => dynamo(alice, 'Query', drafts(ALICE))).not.toThrow();
    expect(denial(() => dynamo(alice, 'Query', drafts(BOB))).message).toContain('dynamodb:Query');
  });

  it('a guest reader may query the feed index and public partitions, but not drafts', () => {
    expect(() =>
      dynamo(reader, 'Query', {
        TableName: 'inkwell',
        IndexName: 'feed',
        KeyConditionExpression: '#pk = :month',
        ExpressionAttributeNames: { '#pk': 'GSI1PK' },
        ExpressionAttributeValues: { ':month': S('FEED#2026-11') },
        ScanIndexForward: false,
        Limit: 20,
      }),
    ).not.toThrow();
    expect(() =>
      dynamo(reader, 'GetItem', { TableName: 'inkwell', Key: { PK: S(`U#${BOB}`), SK: S('P#hello') } }),
    ).not.toThrow();
    expect(
      denial(() =>
        dynamo(reader, 'GetItem', { TableName: 'inkwell', Key: { PK: S(`D#${BOB}`), SK: S('P#hello') } }),
      ).code,
    ).toBe('AccessDeniedException');
  });

  it('nobody may scan', () => {
    expect(denial(() => dynamo(alice, 'Scan', { TableName: 'inkwell' })).message).toContain('dynamodb:Scan');
    expect(denial(() => dynamo(reader, 'Scan', { TableName: 'inkwell', IndexName: 'feed' })).code).toBe(
      'AccessDeniedException',
    );
  });

  it('a guest reader may not write at all', () => {
    expect(denial(() => dynamo(reader, 'PutItem', { TableName: 'inkwell', Item: post(ALICE) })).code).toBe(
      'AccessDeniedException',
    );
  });

  it('BatchWriteItem is denied when any one item is foreign', () => {
    const batch = (...owners: string[]) => ({
      RequestItems: {
        inkwell: owners.map((owner, i) => ({
          PutRequest: { Item: { PK: S(`U#${owner}`), SK: S(`T#tag${i}`), type: S('tag') } },
        })),
      },
    });
    expect(() => dynamo(alice, 'BatchWriteItem', batch(ALICE, ALICE))).not.toThrow();
    const error = denial(() => dynamo(alice, 'BatchWriteItem', batch(ALICE, BOB, ALICE)));
    expect(error.message).toContain('dynamodb:BatchWriteItem');
  });

  it('TransactWriteItems is denied when a ConditionCheck reads a foreign private item', () => {
    const transaction = (checked: string) => ({
      TransactItems: [
        { Put: { TableName: 'inkwell', Item: post(ALICE) } },
        {
          ConditionCheck: {
            TableName: 'inkwell',
            Key: { PK: S(checked), SK: S('P#hello') },
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
      ],
    });
    // Public partitions are readable by anyone, so checking one of bob's is fine.
    expect(() => dynamo(alice, 'TransactWriteItems', transaction(`U#${BOB}`))).not.toThrow();
    expect(denial(() => dynamo(alice, 'TransactWriteItems', transaction(`D#${BOB}`))).message).toContain(
      'dynamodb:ConditionCheckItem',
    );
  });

  describe('counters on bob’s post', () => {
    const update = (UpdateExpression: string, extra: Record<string, unknown> = {}) => ({
      TableName: 'inkwell',
      Key: { PK: S(`N#${BOB}`), SK: S('P#hello') },
      UpdateExpression,
      ExpressionAttributeValues: { ':one': { N: '1' }, ':t': S('pwned') },
      ...extra,
    });

    it('alice may add a like, reading back at most the new values', () => {
      expect(() => dynamo(alice, 'UpdateItem', update('ADD likes :one'))).not.toThrow();
      expect(() =>
        dynamo(
          alice,
          'UpdateItem',
          update('ADD #l :one', { ExpressionAttributeNames: { '#l': 'likes' }, ReturnValues: 'UPDATED_NEW' }),
        ),
      ).not.toThrow();
    });

    it('alice may not change the title, nor read back the whole item', () => {
      expect(denial(() => dynamo(alice, 'UpdateItem', update('ADD likes :one SET title = :t'))).code).toBe(
        'AccessDeniedException',
      );
      expect(
        denial(() => dynamo(alice, 'UpdateItem', update('ADD likes :one', { ReturnValues: 'ALL_NEW' }))).code,
      ).toBe('AccessDeniedException');
    });
  });

  it('PartiQL is refused even where the equivalent Query would be allowed', () => {
    const error = denial(() =>
      dynamo(alice, 'ExecuteStatement', { Statement: `SELECT * FROM "inkwell" WHERE PK = 'D#${ALICE}'` }),
    );
    expect(error.message).toContain('dynamodb:PartiQLSelect');
    const everything: EvaluablePolicy = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    const requests = dynamoAuthorizationRequests(
      'ExecuteStatement',
      { Statement: 'SELECT * FROM inkwell' },
      () => schema,
      ctx,
    );
    expect(() => authorize([everything], requests, alice.arn, 'dynamodb')).toThrow(/not analysed/);
  });
});

describe('S3 under the generated policies', () => {
  const own = '/inkwell-assets/public/us-east-1%3Aalice/x.png';
  const bobs = '/inkwell-assets/public/us-east-1%3Abob/x.png';

  it('alice may upload below her own prefix only', () => {
    expect(() => s3(alice, 'PUT', own, 'x-id=PutObject')).not.toThrow();
    expect(() => s3(alice, 'POST', own, 'uploads')).not.toThrow();
    expect(() => s3(alice, 'DELETE', own, 'uploadId=u1')).not.toThrow();
    const error = denial(() => s3(alice, 'PUT', bobs, 'x-id=PutObject'));
    expect(error).toMatchObject({ code: 'AccessDenied', httpStatus: 403 });
    expect(error.message).toBe(
      'User: arn:aws:sts::000000000000:assumed-role/inkwell-writer/alice is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::inkwell-assets/public/us-east-1:bob/x.png" because no identity-based policy allows the s3:PutObject action',
    );
  });

  it('alice may list her own prefix, not bob’s and not the whole bucket', () => {
    expect(() =>
      s3(alice, 'GET', '/inkwell-assets/', 'list-type=2&prefix=public%2Fus-east-1%3Aalice%2F'),
    ).not.toThrow();
    expect(
      denial(() => s3(alice, 'GET', '/inkwell-assets/', 'list-type=2&prefix=public%2Fus-east-1%3Abob%2F'))
        .message,
    ).toContain('s3:ListBucket');
    expect(denial(() => s3(alice, 'GET', '/inkwell-assets/', 'list-type=2')).code).toBe('AccessDenied');
  });

  it('alice may not delete bob’s asset, alone or inside a DeleteObjects batch', () => {
    const body = (...keys: string[]) =>
      `<Delete>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;
    expect(() =>
      s3(alice, 'POST', '/inkwell-assets/', 'delete', {}, body('public/us-east-1:alice/a.png')),
    ).not.toThrow();
    expect(
      denial(() =>
        s3(
          alice,
          'POST',
          '/inkwell-assets/',
          'delete',
          {},
          body('public/us-east-1:alice/a.png', 'public/us-east-1:bob/b.png'),
        ),
      ).message,
    ).toContain('s3:DeleteObject');
  });

  it('alice may copy a public asset into her prefix, but not a non-public one', () => {
    expect(() =>
      s3(alice, 'PUT', own, '', { 'x-amz-copy-source': 'inkwell-assets/public/us-east-1%3Abob/x.png' }),
    ).not.toThrow();
    expect(
      denial(() => s3(alice, 'PUT', own, '', { 'x-amz-copy-source': 'inkwell-assets/private/secret.png' }))
        .message,
    ).toContain('s3:GetObject');
  });

  it('anonymous callers may read public assets and nothing else', () => {
    expect(() => s3(undefined, 'GET', bobs)).not.toThrow();
    expect(() => s3(undefined, 'HEAD', bobs)).not.toThrow();
    expect(denial(() => s3(undefined, 'PUT', bobs))).toMatchObject({
      code: 'AccessDenied',
      message: 'Access Denied',
    });
    expect(denial(() => s3(undefined, 'GET', '/inkwell-assets/private/x')).code).toBe('AccessDenied');
    expect(denial(() => s3(undefined, 'GET', '/inkwell-assets/')).code).toBe('AccessDenied');
  });
});

describe('authorize itself', () => {
  it('refuses an empty request list and reports an unreadable policy as an internal error', () => {
    expect(denial(() => authorize([alice.policy], [], alice.arn, 's3')).code).toBe('AccessDenied');
    const broken: EvaluablePolicy = {
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Nope: { k: 'v' } } }],
    };
    const requests = [{ action: 's3:GetObject', resource: '*', context: {} }];
    expect(denial(() => authorize([broken], requests, alice.arn, 's3'))).toMatchObject({
      code: 'InternalError',
      httpStatus: 500,
    });
    expect(denial(() => authorize([broken], requests, alice.arn, 'dynamodb')).code).toBe(
      'InternalServerError',
    );
  });

  it('names an explicit deny as such', () => {
    const policies: EvaluablePolicy[] = [
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      { Statement: [{ Effect: 'Deny', Action: 'dynamodb:DeleteTable', Resource: '*' }] },
    ];
    const requests = dynamoAuthorizationRequests('DeleteTable', { TableName: 'inkwell' }, () => schema, ctx);
    expect(denial(() => authorize(policies, requests, alice.arn, 'dynamodb')).message).toMatch(
      /dynamodb:DeleteTable on resource: .*table\/inkwell with an explicit deny in an identity-based policy$/,
    );
  });
});

describe('session policies: the intersection with the identity policy', () => {
  const get = [
    {
      action: 'dynamodb:GetItem',
      resource: TABLE,
      context: { 'dynamodb:LeadingKeys': [`U#${ALICE}`], 'dynamodb:Attributes': ['PK', 'SK'] },
    },
  ];
  const allowAll: EvaluablePolicy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  };
  const denyGet: EvaluablePolicy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: 'dynamodb:GetItem', Resource: '*' }],
  };
  const onlyS3: EvaluablePolicy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
  };
  const refusal = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof AwsError) return error.message;
      throw error;
    }
    return 'allowed';
  };

  it('allows only what both allow', () => {
    expect(refusal(() => authorize([reader.policy], get, reader.arn, 'dynamodb', [allowAll]))).toBe(
      'allowed',
    );
    expect(refusal(() => authorize([reader.policy], get, reader.arn, 'dynamodb', [onlyS3]))).toContain(
      'because no session policy allows the dynamodb:GetItem action',
    );
    expect(refusal(() => authorize([onlyS3], get, reader.arn, 'dynamodb', [allowAll]))).toContain(
      'because no identity-based policy allows',
    );
  });

  it('one allowing session policy among several suffices; an explicit deny in any wins', () => {
    expect(refusal(() => authorize([reader.policy], get, reader.arn, 'dynamodb', [onlyS3, allowAll]))).toBe(
      'allowed',
    );
    expect(
      refusal(() => authorize([reader.policy], get, reader.arn, 'dynamodb', [allowAll, denyGet])),
    ).toContain('with an explicit deny in a session policy');
    expect(
      refusal(() => authorize([reader.policy, denyGet], get, reader.arn, 'dynamodb', [allowAll])),
    ).toContain('with an explicit deny in an identity-based policy');
  });

  it('an empty session policy list allows nothing, unlike no session policy at all', () => {
    expect(refusal(() => authorize([reader.policy], get, reader.arn, 'dynamodb', []))).toContain(
      'no session policy',
    );
    expect(refusal(() => authorize([reader.policy], get, reader.arn, 'dynamodb'))).toBe('allowed');
  });
});
