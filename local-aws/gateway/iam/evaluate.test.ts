import { describe, expect, it } from 'vitest';
import {
  type AuthorizationRequest,
  type EvaluablePolicy,
  type EvaluableStatement,
  evaluatePolicies,
  PolicyError,
} from './evaluate.ts';

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/inkwell';

const request = (
  context: AuthorizationRequest['context'] = {},
  overrides: Partial<AuthorizationRequest> = {},
) => ({
  action: 'dynamodb:PutItem',
  resource: TABLE,
  context,
  ...overrides,
});

const allowWhen = (Condition: EvaluableStatement['Condition']): EvaluablePolicy => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE, Condition }],
});

const decide = (condition: EvaluableStatement['Condition'], context: AuthorizationRequest['context']) =>
  evaluatePolicies([allowWhen(condition)], request(context));

describe('statements', () => {
  it('denies implicitly when nothing allows', () => {
    expect(evaluatePolicies([], request())).toBe('ImplicitDeny');
  });

  it('lets an explicit deny win over any allow, in any policy, in any order', () => {
    const deny: EvaluablePolicy = { Statement: { Effect: 'Deny', Action: 'dynamodb:*', Resource: '*' } };
    const allow: EvaluablePolicy = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    expect(evaluatePolicies([allow], request())).toBe('Allow');
    expect(evaluatePolicies([allow, deny], request())).toBe('ExplicitDeny');
    expect(evaluatePolicies([deny, allow], request())).toBe('ExplicitDeny');
  });

  it('matches actions case-insensitively with * and ?, resources case-sensitively', () => {
    const policy = (Action: string, Resource: string): EvaluablePolicy => ({
      Statement: [{ Effect: 'Allow', Action, Resource }],
    });
    expect(evaluatePolicies([policy('DynamoDB:putitem', TABLE)], request())).toBe('Allow');
    expect(evaluatePolicies([policy('dynamodb:Put*', TABLE)], request())).toBe('Allow');
    expect(evaluatePolicies([policy('dynamodb:?utItem', TABLE)], request())).toBe('Allow');
    expect(evaluatePolicies([policy('dynamodb:?Item', TABLE)], request())).toBe('ImplicitDeny');
    expect(evaluatePolicies([policy('dynamodb:PutItem', TABLE.toUpperCase())], request())).toBe(
      'ImplicitDeny',
    );
    expect(
      evaluatePolicies(
        [policy('dynamodb:PutItem', `${TABLE}*`)],
        request({}, { resource: `${TABLE}/index/feed` }),
      ),
    ).toBe('Allow');
    expect(
      evaluatePolicies([policy('dynamodb:PutItem', 'arn:aws:dynamodb:*:*:table/inkwel?')], request()),
    ).toBe('Allow');
  });

  it('supports NotAction and NotResource', () => {
    const notAction: EvaluablePolicy = {
      Statement: [{ Effect: 'Allow', NotAction: 'dynamodb:Scan', Resource: '*' }],
    };
    expect(evaluatePolicies([notAction], request())).toBe('Allow');
    expect(evaluatePolicies([notAction], request({}, { action: 'dynamodb:Scan' }))).toBe('ImplicitDeny');
    const denyOthers: EvaluablePolicy = {
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: '*', NotResource: `${TABLE}*` },
      ],
    };
    expect(evaluatePolicies([denyOthers], request())).toBe('Allow');
    expect(evaluatePolicies([denyOthers], request({}, { resource: 'arn:aws:s3:::other' }))).toBe(
      'ExplicitDeny',
    );
  });

  it('refuses to read malformed statements rather than guess', () => {
    const broken = (statement: Partial<EvaluableStatement>) => () =>
      evaluatePolicies([{ Statement: [statement as EvaluableStatement] }], request());
    expect(broken({ Effect: 'Allow', Resource: '*' })).toThrow(PolicyError);
    expect(broken({ Effect: 'Allow', Action: '*', NotAction: 'x', Resource: '*' })).toThrow(PolicyError);
    expect(broken({ Effect: 'Allow', Action: '*' })).toThrow(PolicyError);
    expect(broken({ Effect: 'allow' as 'Allow', Action: '*', Resource: '*' })).toThrow(PolicyError);
  });
});

describe('condition operators', () => {
  it('fails closed on an unknown operator or set qualifier, even when the statement would not apply', () => {
    expect(() => decide({ StringMatchesRegex: { 'dynamodb:Select': 'x' } }, {})).toThrow(PolicyError);
    expect(() => decide({ 'ForSomeValues:StringEquals': { k: 'x' } }, {})).toThrow(PolicyError);
    expect(() => decide({ 'ForAllValues:Null': { k: 'true' } }, {})).toThrow(PolicyError);
    const other = allowWhen({ Bogus: { k: 'x' } });
    expect(() => evaluatePolicies([other], request({}, { action: 's3:GetObject' }))).toThrow(PolicyError);
  });

  it('compares keys case-insensitively and values case-sensitively', () => {
    expect(decide({ StringEquals: { 'DynamoDB:SELECT': 'COUNT' } }, { 'dynamodb:Select': 'COUNT' })).toBe(
      'Allow',
    );
    expect(decide({ StringEquals: { 'dynamodb:Select': 'count' } }, { 'dynamodb:Select': 'COUNT' })).toBe(
      'ImplicitDeny',
    );
    expect(
      decide({ StringEqualsIgnoreCase: { 'dynamodb:Select': 'count' } }, { 'dynamodb:Select': 'COUNT' }),
    ).toBe('Allow');
  });

  it('treats values of one key as OR, keys and operators as AND', () => {
    const condition = {
      StringEquals: { a: ['1', '2'], b: '3' },
      StringLike: { c: 'x*' },
    };
    expect(decide(condition, { a: '2', b: '3', c: 'xyz' })).toBe('Allow');
    expect(decide(condition, { a: '4', b: '3', c: 'xyz' })).toBe('ImplicitDeny');
    expect(decide(condition, { a: '1', b: '3', c: 'yz' })).toBe('ImplicitDeny');
    expect(decide(condition, { a: '1', c: 'xyz' })).toBe('ImplicitDeny');
  });

  it('fails a positive operator on a missing key and passes a negated one', () => {
    expect(decide({ StringEquals: { k: 'v' } }, {})).toBe('ImplicitDeny');
    expect(decide({ StringNotEquals: { k: 'v' } }, {})).toBe('Allow');
    expect(decide({ StringNotEquals: { k: ['v', 'w'] } }, { k: 'w' })).toBe('ImplicitDeny');
    expect(decide({ StringNotEquals: { k: ['v', 'w'] } }, { k: 'u' })).toBe('Allow');
    expect(decide({ StringNotLike: { k: 'v*' } }, { k: 'vx' })).toBe('ImplicitDeny');
  });

  it('...IfExists passes a missing key and checks a present one', () => {
    const condition = { StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_NEW'] } };
    expect(decide(condition, {})).toBe('Allow');
    expect(decide(condition, { 'dynamodb:ReturnValues': 'UPDATED_NEW' })).toBe('Allow');
    expect(decide(condition, { 'dynamodb:ReturnValues': 'ALL_NEW' })).toBe('ImplicitDeny');
  });

  it('ForAllValues is true for a missing or empty key, and needs every value to match', () => {
    const condition = { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['PK', 'SK', 'likes'] } };
    expect(decide(condition, {})).toBe('Allow');
    expect(decide(condition, { 'dynamodb:Attributes': [] })).toBe('Allow');
    expect(decide(condition, { 'dynamodb:Attributes': ['PK', 'likes'] })).toBe('Allow');
    expect(decide(condition, { 'dynamodb:Attributes': ['PK', 'title'] })).toBe('ImplicitDeny');
  });

  it('ForAnyValue is false for a missing or empty key, and needs one value to match', () => {
    const condition = { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'team*' } };
    expect(decide(condition, {})).toBe('ImplicitDeny');
    expect(decide(condition, { 'aws:TagKeys': [] })).toBe('ImplicitDeny');
    expect(decide(condition, { 'aws:TagKeys': ['env', 'team-a'] })).toBe('Allow');
    expect(decide(condition, { 'aws:TagKeys': ['env'] })).toBe('ImplicitDeny');
  });

  it('ForAllValues with a negated operator: every value must miss every pattern (AWS docs table)', () => {
    const condition = { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } };
    expect(decide(condition, { 'aws:TagKeys': ['key1:legal'] })).toBe('ImplicitDeny');
    expect(decide(condition, { 'aws:TagKeys': ['key1:hr', 'key1:personnel'] })).toBe('ImplicitDeny');
    expect(decide(condition, { 'aws:TagKeys': ['key2:audit'] })).toBe('Allow');
    expect(decide(condition, {})).toBe('Allow');
  });

  it('Null tests presence', () => {
    expect(decide({ Null: { k: 'true' } }, {})).toBe('Allow');
    expect(decide({ Null: { k: 'true' } }, { k: 'v' })).toBe('ImplicitDeny');
    expect(decide({ Null: { k: 'false' } }, { k: 'v' })).toBe('Allow');
    expect(decide({ Null: { k: 'false' } }, { k: [] })).toBe('ImplicitDeny');
  });

  it('Numeric, Date, Bool, Arn and IpAddress operators', () => {
    expect(decide({ NumericLessThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' })).toBe('Allow');
    expect(decide({ NumericLessThan: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' })).toBe(
      'ImplicitDeny',
    );
    expect(decide({ NumericGreaterThan: { n: 2 } }, { n: '2.5' })).toBe('Allow');
    expect(decide({ NumericEquals: { n: '1' } }, { n: 'one' })).toBe('ImplicitDeny');
    expect(decide({ DateLessThan: { t: '2026-12-01T00:00:00Z' } }, { t: '2026-11-26T12:00:00Z' })).toBe(
      'Allow',
    );
    expect(decide({ DateGreaterThan: { t: '2026-12-01T00:00:00Z' } }, { t: '1764158400' })).toBe(
      'ImplicitDeny',
    );
    expect(decide({ Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'TRUE' })).toBe(
      'Allow',
    );
    expect(decide({ Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'false' })).toBe(
      'ImplicitDeny',
    );
    const role = 'arn:aws:iam::000000000000:role/inkwell-writer';
    expect(
      decide(
        { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/inkwell-*' } },
        { 'aws:PrincipalArn': role },
      ),
    ).toBe('Allow');
    expect(
      decide(
        { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/inkwell-*' } },
        { 'aws:PrincipalArn': role },
      ),
    ).toBe('ImplicitDeny');
    // Wildcards stay within their ARN component: `*` in the account cannot swallow the region's colon.
    expect(decide({ ArnLike: { a: 'arn:aws:s3:::*' } }, { a: 'arn:aws:s3:us-east-1::b' })).toBe(
      'ImplicitDeny',
    );
    expect(decide({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(
      'Allow',
    );
    expect(decide({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '11.1.2.3' })).toBe(
      'ImplicitDeny',
    );
    expect(decide({ NotIpAddress: { 'aws:SourceIp': '127.0.0.1/32' } }, { 'aws:SourceIp': '::1' })).toBe(
      'Allow',
    );
  });

  it('applies a single-valued operator to a multivalued key as "any value matches"', () => {
    expect(decide({ StringEquals: { k: 'a' } }, { k: ['b', 'a'] })).toBe('Allow');
    expect(decide({ StringNotEquals: { k: 'a' } }, { k: ['b', 'a'] })).toBe('ImplicitDeny');
  });

  it('decides a Deny by its conditions too', () => {
    const policies: EvaluablePolicy[] = [
      { Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] },
      {
        Statement: [
          {
            Effect: 'Deny',
            Action: 'dynamodb:*',
            Resource: '*',
            Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': 'isAdmin' } },
          },
        ],
      },
    ];
    expect(evaluatePolicies(policies, request({ 'dynamodb:Attributes': ['PK', 'title'] }))).toBe('Allow');
    expect(evaluatePolicies(policies, request({ 'dynamodb:Attributes': ['PK', 'isAdmin'] }))).toBe(
      'ExplicitDeny',
    );
  });
});
