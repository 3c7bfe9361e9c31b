import { describe, expect, it } from 'vitest';
import { tableDefinition } from '../../../src/core/model.ts';
import { AwsError } from '../aws-errors.ts';
import {
  dynamoAuthorizationRequests,
  PARTIQL_FAIL_CLOSED,
  type TableKeySchema,
} from './dynamodb-requests.ts';

/** The key schema of the real table definition, as the gateway learns it from DescribeTable. */
function schemaOf(definition = tableDefinition('inkwell')): TableKeySchema {
  const keys = (schema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[]) => {
    const hashKey = schema.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '';
    const rangeKey = schema.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    return rangeKey === undefined ? { hashKey } : { hashKey, rangeKey };
  };
  const indexes: TableKeySchema['indexes'] = {};
  for (const index of [...definition.LocalSecondaryIndexes, ...definition.GlobalSecondaryIndexes]) {
    indexes[index.IndexName] = keys(index.KeySchema);
  }
  return { ...keys(definition.KeySchema), indexes };
}

const INKWELL_SCHEMA = schemaOf();
const schemas = (name: string) => (name === 'inkwell' ? INKWELL_SCHEMA : undefined);
const ctx = { region: 'us-east-1', accountId: '000000000000' };
const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/inkwell';
const requests = (operation: string, input: unknown) =>
  dynamoAuthorizationRequests(operation, input, schemas, ctx);

const S = (value: string) => ({ S: value });

function rejection(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error('expected an AwsError');
}

describe('single-item operations', () => {
  it('PutItem: leading key from the Item, attributes from the Item and the condition', () => {
    const [request, ...rest] = requests('PutItem', {
      TableName: 'inkwell',
      Item: { PK: S('U#us-east-1:alice'), SK: S('P#hello'), title: S('Hello') },
      ConditionExpression: 'attribute_not_exists(#pk) AND #v = :v',
      ExpressionAttributeNames: { '#pk': 'PK', '#v': 'version' },
      ExpressionAttributeValues: { ':v': { N: '1' } },
      ReturnValues: 'ALL_OLD',
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(rest).toEqual([]);
    expect(request).toEqual({
      action: 'dynamodb:PutItem',
      resource: TABLE,
      context: {
        'dynamodb:LeadingKeys': ['U#us-east-1:alice'],
        'dynamodb:Attributes': expect.arrayContaining(['PK', 'SK', 'title', 'version']),
        'dynamodb:ReturnValues': 'ALL_OLD',
        'dynamodb:ReturnConsumedCapacity': 'TOTAL',
      },
    });
    expect(request?.context['dynamodb:Attributes']).toHaveLength(4);
  });

  it('UpdateItem: top-level names of every path, not nested ones, functions or keywords', () => {
    const [request] = requests('UpdateItem', {
      TableName: 'inkwell',
      Key: { PK: S('N#us-east-1:bob'), SK: S('P#hello') },
      UpdateExpression:
        'SET #l = if_not_exists(#l, :zero) + :one, meta.#n[2].deep = list_append(tags, :t) REMOVE draft ADD #c :one DELETE colours :red',
      ConditionExpression: 'attribute_exists(PK) AND (size(body) < :max OR NOT begins_with(slug, :p))',
      ExpressionAttributeNames: { '#l': 'likes', '#n': 'nested', '#c': 'comments' },
    });
    expect(new Set(request?.context['dynamodb:Attributes'])).toEqual(
      new Set(['PK', 'SK', 'likes', 'meta', 'tags', 'draft', 'comments', 'colours', 'body', 'slug']),
    );
    expect(request?.context['dynamodb:LeadingKeys']).toEqual(['N#us-east-1:bob']);
    expect(request?.context).not.toHaveProperty('dynamodb:ReturnValues');
  });

  it('ReturnValuesOnConditionCheckFailure sets dynamodb:ReturnValues, single and in transactions', () => {
    const update = {
      TableName: 'inkwell',
      Key: { PK: S('N#us-east-1:alice'), SK: S('P#hello') },
      UpdateExpression: 'ADD likes :one',
      ConditionExpression: 'attribute_exists(PK)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
    const [single] = requests('UpdateItem', update);
    expect(single?.context['dynamodb:ReturnValues']).toBe('ALL_OLD');
    const [inTransaction] = requests('TransactWriteItems', {
      TransactItems: [{ Update: { ...update, TableName: 'inkwell' } }],
    });
    expect(inTransaction?.context['dynamodb:ReturnValues']).toBe('ALL_OLD');
    const [quiet] = requests('UpdateItem', { ...update, ReturnValuesOnConditionCheckFailure: 'NONE' });
    expect(quiet?.context).not.toHaveProperty('dynamodb:ReturnValues');
    // Both asked for: authorized once per image, so each must be allowed.
    const both = requests('UpdateItem', { ...update, ReturnValues: 'UPDATED_NEW' });
    expect(both.map((r) => r.context['dynamodb:ReturnValues'])).toEqual(['UPDATED_NEW', 'ALL_OLD']);
  });

  it('GetItem and DeleteItem: the Key, the projection and legacy parameters', () => {
    const [get] = requests('GetItem', {
      TableName: 'inkwell',
      Key: { PK: S('D#us-east-1:alice'), SK: S('P#x') },
      ProjectionExpression: 'title, #b.summary',
      ExpressionAttributeNames: { '#b': 'body' },
    });
    expect(get?.context['dynamodb:Attributes']).toEqual(['title', 'body', 'PK', 'SK']);
    const [del] = requests('DeleteItem', {
      TableName: 'inkwell',
      Key: { PK: S('D#us-east-1:alice'), SK: S('P#x') },
      Expected: { version: { Value: { N: '3' } } },
    });
    expect(del?.context['dynamodb:Attributes']).toEqual(['version', 'PK', 'SK']);
  });

  it('takes the partition from Key for updates even when a stray Item is sent', () => {
    const error = rejection(() =>
      requests('UpdateItem', {
        TableName: 'inkwell',
        Key: { PK: S('U#us-east-1:bob'), SK: S('PROFILE') },
        Item: { PK: S('U#us-east-1:alice'), SK: S('PROFILE') },
        UpdateExpression: 'SET bio = :b',
      }),
    );
    expect(error.code).toBe('ValidationException');
  });

  it('rejects garbled or incomplete input as ValidationException', () => {
    const bad = [
      { TableName: 'inkwell', Key: { SK: S('x') } },
      { TableName: 'inkwell', Key: { PK: { M: {} }, SK: S('x') } },
      { TableName: 'inkwell/index/feed', Key: { PK: S('U#a'), SK: S('x') } },
      { TableName: 'inkwell', Key: { PK: S('U#a') }, ProjectionExpression: '#undefined' },
      { TableName: 'inkwell', Key: { PK: S('U#a') }, ProjectionExpression: 'a[b]' },
      { TableName: 'inkwell', Key: { PK: S('U#a') }, ProjectionExpression: 'size(a' },
      { TableName: 'inkwell', Key: { PK: S('U#a') }, ProjectionExpression: 'a; drop' },
      { TableName: 'inkwell', Key: { PK: S('U#a') }, ProjectionExpression: 42 },
      { TableName: 42, Key: { PK: S('U#a') } },
      'not an object',
    ];
    for (const input of bad)
      expect(rejection(() => requests('GetItem', input)).code).toBe('ValidationException');
  });

  it('answers ResourceNotFoundException for a table it has no schema for', () => {
    const error = rejection(() => requests('GetItem', { TableName: 'other', Key: { PK: S('x') } }));
    expect(error).toMatchObject({ code: 'ResourceNotFoundException', httpStatus: 400 });
  });

  it('accepts a table ARN as TableName', () => {
    const [request] = requests('GetItem', { TableName: TABLE, Key: { PK: S('U#a'), SK: S('x') } });
    expect(request?.resource).toBe(TABLE);
  });

  it('refuses a miscased data-plane operation instead of treating it as a condition-free one', () => {
    expect(rejection(() => requests('putitem', { TableName: 'inkwell', Item: {} })).code).toBe(
      'UnknownOperationException',
    );
  });
});

describe('Query and Scan', () => {
  it('Query on the table: the partition pinned by the key condition, either operand order', () => {
    for (const KeyConditionExpression of [
      '#pk = :pk AND begins_with(SK, :sk)',
      ':pk = #pk',
      '(#pk = :pk) AND SK > :sk',
    ]) {
      const [request] = requests('Query', {
        TableName: 'inkwell',
        KeyConditionExpression,
        ExpressionAttributeNames: { '#pk': 'PK' },
        ExpressionAttributeValues: { ':pk': S('D#us-east-1:bob'), ':sk': S('P#') },
      });
      expect(request).toMatchObject({
        action: 'dynamodb:Query',
        resource: TABLE,
        context: { 'dynamodb:LeadingKeys': ['D#us-east-1:bob'] },
      });
    }
  });

  it('Query on an index: the index ARN and the index partition key, with Select', () => {
    const [request] = requests('Query', {
      TableName: 'inkwell',
      IndexName: 'feed',
      KeyConditionExpression: 'GSI1PK = :month',
      ExpressionAttributeValues: { ':month': S('FEED#2026-11') },
      ScanIndexForward: false,
      Select: 'ALL_PROJECTED_ATTRIBUTES',
    });
    expect(request).toEqual({
      action: 'dynamodb:Query',
      resource: `${TABLE}/index/feed`,
      context: {
        'dynamodb:LeadingKeys': ['FEED#2026-11'],
        'dynamodb:Attributes': ['GSI1PK'],
        'dynamodb:Select': 'ALL_PROJECTED_ATTRIBUTES',
      },
    });
  });

  it('Query with legacy KeyConditions', () => {
    const [request] = requests('Query', {
      TableName: 'inkwell',
      KeyConditions: { PK: { ComparisonOperator: 'EQ', AttributeValueList: [S('U#us-east-1:bob')] } },
    });
    expect(request?.context['dynamodb:LeadingKeys']).toEqual(['U#us-east-1:bob']);
  });

  it('Query without a usable partition equality is a ValidationException', () => {
    const bad = [
      { KeyConditionExpression: 'begins_with(PK, :p)', ExpressionAttributeValues: { ':p': S('U#') } },
      {
        KeyConditionExpression: 'PK = :a OR PK = :b',
        ExpressionAttributeValues: { ':a': S('U#a'), ':b': S('D#b') },
      },
      {
        KeyConditionExpression: 'PK = :a AND PK = :b',
        ExpressionAttributeValues: { ':a': S('U#a'), ':b': S('D#b') },
      },
      { KeyConditionExpression: 'PK = :missing', ExpressionAttributeValues: {} },
      { KeyConditionExpression: 'x.PK = :a', ExpressionAttributeValues: { ':a': S('U#a') } },
      { IndexName: 'nope', KeyConditionExpression: 'PK = :a', ExpressionAttributeValues: { ':a': S('U#a') } },
      {},
    ];
    for (const input of bad) {
      expect(rejection(() => requests('Query', { TableName: 'inkwell', ...input })).code).toBe(
        'ValidationException',
      );
    }
  });

  it('Scan carries no LeadingKeys', () => {
    const [request] = requests('Scan', { TableName: 'inkwell', FilterExpression: 'attribute_exists(title)' });
    expect(request).toEqual({
      action: 'dynamodb:Scan',
      resource: TABLE,
      context: { 'dynamodb:Attributes': ['title'] },
    });
  });
});

describe('batches and transactions', () => {
  it('BatchGetItem: one dynamodb:BatchGetItem per key', () => {
    const result = requests('BatchGetItem', {
      RequestItems: {
        inkwell: {
          Keys: [
            { PK: S('U#us-east-1:alice'), SK: S('PROFILE') },
            { PK: S('D#us-east-1:bob'), SK: S('P#x') },
          ],
          ProjectionExpression: 'title',
        },
      },
    });
    expect(
      result.map((r) => [r.action, r.context['dynamodb:LeadingKeys'], r.context['dynamodb:Attributes']]),
    ).toEqual([
      ['dynamodb:BatchGetItem', ['U#us-east-1:alice'], ['title', 'PK', 'SK']],
      ['dynamodb:BatchGetItem', ['D#us-east-1:bob'], ['title', 'PK', 'SK']],
    ]);
  });

  it('BatchWriteItem: one dynamodb:BatchWriteItem per put or delete, each with its own keys', () => {
    const result = requests('BatchWriteItem', {
      RequestItems: {
        inkwell: [
          { PutRequest: { Item: { PK: S('U#us-east-1:alice'), SK: S('T#x'), tags: S('x') } } },
          { DeleteRequest: { Key: { PK: S('U#us-east-1:bob'), SK: S('T#y') } } },
        ],
      },
    });
    expect(result).toEqual([
      {
        action: 'dynamodb:BatchWriteItem',
        resource: TABLE,
        context: {
          'dynamodb:LeadingKeys': ['U#us-east-1:alice'],
          'dynamodb:Attributes': ['PK', 'SK', 'tags'],
        },
      },
      {
        action: 'dynamodb:BatchWriteItem',
        resource: TABLE,
        context: { 'dynamodb:LeadingKeys': ['U#us-east-1:bob'], 'dynamodb:Attributes': ['PK', 'SK'] },
      },
    ]);
    expect(
      rejection(() =>
        requests('BatchWriteItem', {
          RequestItems: {
            inkwell: [{ PutRequest: { Item: { PK: S('a') } }, DeleteRequest: { Key: { PK: S('b') } } }],
          },
        }),
      ).code,
    ).toBe('ValidationException');
  });

  it('TransactWriteItems: each element as its own item action, enclosed by the transaction', () => {
    const result = requests('TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'inkwell', Item: { PK: S('D#us-east-1:alice'), SK: S('P#x') } } },
        {
          Update: {
            TableName: 'inkwell',
            Key: { PK: S('N#us-east-1:bob'), SK: S('P#y') },
            UpdateExpression: 'ADD likes :one',
          },
        },
        { Delete: { TableName: 'inkwell', Key: { PK: S('U#us-east-1:alice'), SK: S('P#x') } } },
        {
          ConditionCheck: {
            TableName: 'inkwell',
            Key: { PK: S('D#us-east-1:bob'), SK: S('P#z') },
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
      ],
    });
    expect(
      result.map((r) => [
        r.action,
        r.context['dynamodb:LeadingKeys'],
        r.context['dynamodb:EnclosingOperation'],
      ]),
    ).toEqual([
      ['dynamodb:PutItem', ['D#us-east-1:alice'], 'TransactWriteItems'],
      ['dynamodb:UpdateItem', ['N#us-east-1:bob'], 'TransactWriteItems'],
      ['dynamodb:DeleteItem', ['U#us-east-1:alice'], 'TransactWriteItems'],
      ['dynamodb:ConditionCheckItem', ['D#us-east-1:bob'], 'TransactWriteItems'],
    ]);
    expect(rejection(() => requests('TransactWriteItems', { TransactItems: [{ Get: {} }] })).code).toBe(
      'ValidationException',
    );
  });

  it('TransactGetItems: dynamodb:GetItem per element', () => {
    const result = requests('TransactGetItems', {
      TransactItems: [{ Get: { TableName: 'inkwell', Key: { PK: S('U#a'), SK: S('x') } } }],
    });
    expect(result).toMatchObject([
      { action: 'dynamodb:GetItem', context: { 'dynamodb:EnclosingOperation': 'TransactGetItems' } },
    ]);
  });
});

describe('PartiQL and other operations', () => {
  it('maps statements to PartiQL actions on their table or index, marked to fail closed', () => {
    const [select] = requests('ExecuteStatement', {
      Statement: `SELECT * FROM "inkwell"."feed" WHERE "GSI1PK" = ?`,
      Parameters: [S('FEED#2026-11')],
    });
    expect(select).toEqual({
      action: 'dynamodb:PartiQLSelect',
      resource: `${TABLE}/index/feed`,
      context: {},
      failClosed: PARTIQL_FAIL_CLOSED,
    });
    const batch = requests('BatchExecuteStatement', {
      Statements: [
        { Statement: `INSERT INTO inkwell VALUE {'PK': 'U#a', 'SK': 'x'}` },
        { Statement: `UPDATE "inkwell" SET title = 'x' WHERE PK = 'U#a' AND SK = 'x'` },
        { Statement: `delete from inkwell where PK = 'U#a' and SK = 'x'` },
      ],
    });
    expect(batch.map((r) => [r.action, r.resource, r.failClosed])).toEqual([
      ['dynamodb:PartiQLInsert', TABLE, PARTIQL_FAIL_CLOSED],
      ['dynamodb:PartiQLUpdate', TABLE, PARTIQL_FAIL_CLOSED],
      ['dynamodb:PartiQLDelete', TABLE, PARTIQL_FAIL_CLOSED],
    ]);
    expect(rejection(() => requests('ExecuteStatement', { Statement: 'EXPLAIN SELECT 1' })).code).toBe(
      'ValidationException',
    );
  });

  it('maps control-plane operations to dynamodb:<Operation> on the table or *', () => {
    expect(requests('DescribeTable', { TableName: 'inkwell' })).toEqual([
      { action: 'dynamodb:DescribeTable', resource: TABLE, context: {} },
    ]);
    expect(requests('ListTables', {})).toEqual([
      { action: 'dynamodb:ListTables', resource: '*', context: {} },
    ]);
    expect(requests('CreateTable', tableDefinition('other'))).toEqual([
      { action: 'dynamodb:CreateTable', resource: TABLE.replace('inkwell', 'other'), context: {} },
    ]);
  });
});
