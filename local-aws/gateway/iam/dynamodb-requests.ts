/**
 * What a DynamoDB call asks IAM for: one AuthorizationRequest per item it touches, with the
 * fine-grained condition keys DynamoDB puts in the request context. Every request returned must be
 * allowed for the call to proceed.
 *
 * Condition keys: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
 * Actions per operation: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 *
 * - dynamodb:LeadingKeys: the partition key value(s) of the items touched. Always supplied for item
 *   operations: a ForAllValues condition is true on a missing key, so leaving it out would allow.
 * - dynamodb:Attributes: every top-level attribute the request names, key attributes included.
 * - dynamodb:Select / ReturnValues / ReturnConsumedCapacity: the parameters, only when the request sets
 *   them (AWS's own examples test them with ...IfExists). ReturnValuesOnConditionCheckFailure also sets
 *   dynamodb:ReturnValues (see returnValueImages).
 */
import { AwsError, validationError } from '../aws-errors.ts';
import { expressionAttributeNames, keyConditionValueRefs } from './dynamodb-expressions.ts';
import type { AuthorizationRequest, ContextValue } from './evaluate.ts';

export interface TableKeySchema {
  hashKey: string;
  rangeKey?: string;
  indexes: Record<string, { hashKey: string; rangeKey?: string }>;
}

export interface DynamoContext {
  region: string;
  accountId: string;
}

type Schemas = (tableName: string) => TableKeySchema | undefined;
type Json = Record<string, unknown>;

/** Why PartiQL is refused: its statements are not parsed, so its condition keys would be guesses. */
export const PARTIQL_FAIL_CLOSED =
  'PartiQL statements are not analysed for dynamodb:LeadingKeys and dynamodb:Attributes, so they are never allowed';

const DATA_PLANE_OPERATIONS = [
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
];

const TRANSACT_WRITE_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

export function dynamoAuthorizationRequests(
  operation: string,
  input: unknown,
  schemas: Schemas,
  ctx: DynamoContext,
): AuthorizationRequest[] {
  if (!/^[A-Za-z]+$/.test(operation)) throw validationError(`Unknown operation ${operation}`);
  const body = object(input, 'request body');
  const call = new CallContext(body, schemas, ctx);
  const known = DATA_PLANE_OPERATIONS.find((name) => name.toLowerCase() === operation.toLowerCase());
  if (known !== undefined && known !== operation) {
    // IAM matches actions case-insensitively; a miscased data-plane call must not slip through as a
    // condition-free control-plane one.
    throw new AwsError('UnknownOperationException', '', 400);
  }
  switch (operation) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return call.item(`dynamodb:${operation}`, body, 'Key', {});
    case 'PutItem':
      return call.item(`dynamodb:${operation}`, body, 'Item', {});
    case 'Query':
      return [call.query(body)];
    case 'Scan':
      return [call.scan(body)];
    case 'BatchGetItem':
      return call.batchGet(body);
    case 'BatchWriteItem':
      return call.batchWrite(body);
    case 'TransactGetItems':
      return call.transact(body, 'TransactGetItems', { Get: 'dynamodb:GetItem' });
    case 'TransactWriteItems':
      return call.transact(body, 'TransactWriteItems', TRANSACT_WRITE_ACTIONS);
    case 'ExecuteStatement':
      return [call.partiql(body)];
    case 'BatchExecuteStatement':
      return array(body.Statements, 'Statements').map((s) => call.partiql(object(s, 'Statements[]')));
    case 'ExecuteTransaction':
      return array(body.TransactStatements, 'TransactStatements').map((s) =>
        call.partiql(object(s, 'TransactStatements[]')),
      );
    default:
      return [call.control(`dynamodb:${operation}`, body)];
  }
}

// --- Input shape helpers: anything unexpected is a ValidationException, never a guess. --------------

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validationError(`${what} must be an object`);
  }
  return value as Json;
}

function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw validationError(`${what} must be a non-empty list`);
  return value;
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw validationError(`${what} must be a string`);
  return value;
}

function stringMap(value: unknown, what: string): Record<string, string> {
  if (value === undefined) return {};
  const map = object(value, what);
  for (const v of Object.values(map))
    if (typeof v !== 'string') throw validationError(`${what} values must be strings`);
  return map as Record<string, string>;
}

/** Table and index names as DynamoDB allows them: also what keeps `/` out of the ARNs built from them. */
const NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/([A-Za-z0-9_.-]{3,255})$/;

/** The string form of a key attribute value, as LeadingKeys compares it. */
function keyValue(value: unknown, attribute: string): string {
  const typed = typeof value === 'object' && value !== null ? (value as Json) : {};
  for (const type of ['S', 'N', 'B']) {
    const v = typed[type];
    if (typeof v === 'string') return v;
  }
  throw validationError(
    `The provided key element does not match the schema: ${attribute} must be of type S, N or B`,
  );
}

class CallContext {
  readonly #body: Json;
  readonly #schemas: Schemas;
  readonly #ctx: DynamoContext;

  constructor(body: Json, schemas: Schemas, ctx: DynamoContext) {
    this.#body = body;
    this.#schemas = schemas;
    this.#ctx = ctx;
  }

  /** Resolves TableName (a name, or since 2024 also an ARN) to the name and the ARN IAM sees. */
  #table(value: unknown): { name: string; arn: string } {
    if (typeof value !== 'string') throw validationError('TableName must be a string');
    const fromArn = TABLE_ARN.exec(value);
    if (fromArn?.[1] !== undefined) return { name: fromArn[1], arn: value };
    if (!NAME.test(value)) {
      throw validationError(
        `1 validation error detected: Value '${value}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`,
      );
    }
    return { name: value, arn: `arn:aws:dynamodb:${this.#ctx.region}:${this.#ctx.accountId}:table/${value}` };
  }

  #schema(tableName: string): TableKeySchema {
    const schema = this.#schemas(tableName);
    if (schema === undefined)
      throw new AwsError('ResourceNotFoundException', 'Requested resource not found', 400);
    return schema;
  }

  /** Context keys every data-plane request carries when the caller set them. */
  #common(request: Json, enclosing: string | undefined): Record<string, ContextValue> {
    const context: Record<string, ContextValue> = {};
    const returnValues = optionalString(request.ReturnValues, 'ReturnValues');
    if (returnValues !== undefined) context['dynamodb:ReturnValues'] = returnValues;
    const capacity = optionalString(this.#body.ReturnConsumedCapacity, 'ReturnConsumedCapacity');
    if (capacity !== undefined) context['dynamodb:ReturnConsumedCapacity'] = capacity;
    if (enclosing !== undefined) context['dynamodb:EnclosingOperation'] = enclosing;
    return context;
  }

  /** Names from the expressions and legacy parameters a request element may carry. */
  #namedAttributes(request: Json): Set<string> {
    const names = stringMap(request.ExpressionAttributeNames, 'ExpressionAttributeNames');
    const found = new Set<string>();
    for (const parameter of [
      'ProjectionExpression',
      'ConditionExpression',
      'FilterExpression',
      'UpdateExpression',
      'KeyConditionExpression',
    ]) {
      const expression = optionalString(request[parameter], parameter);
      if (expression !== undefined) {
        for (const name of expressionAttributeNames(expression, names, parameter)) found.add(name);
      }
    }
    // Legacy (pre-expression) parameters name attributes as map keys or a list.
    for (const parameter of ['Expected', 'AttributeUpdates', 'KeyConditions', 'QueryFilter', 'ScanFilter']) {
      if (request[parameter] !== undefined)
        for (const name of Object.keys(object(request[parameter], parameter))) found.add(name);
    }
    if (request.AttributesToGet !== undefined) {
      for (const name of array(request.AttributesToGet, 'AttributesToGet')) {
        if (typeof name !== 'string') throw validationError('AttributesToGet must list strings');
        found.add(name);
      }
    }
    return found;
  }

  /**
   * GetItem, PutItem, UpdateItem, DeleteItem, and the same shapes inside batches and transactions. The
   * item's key comes from `Item` for puts and `Key` otherwise, never from whichever is present: a stray
   * `Item` on an update must not choose the partition that gets authorized.
   */
  item(
    action: string,
    request: Json,
    keySource: 'Item' | 'Key',
    options: { enclosing?: string; key?: Json },
  ): AuthorizationRequest[] {
    const table = this.#table(request.TableName);
    const schema = this.#schema(table.name);
    const other = keySource === 'Item' ? 'Key' : 'Item';
    if (request[other] !== undefined) throw validationError(`${other} is not a parameter of ${action}`);
    const key = options.key ?? object(request[keySource], keySource);
    if (!Object.hasOwn(key, schema.hashKey)) {
      throw validationError('The provided key element does not match the schema');
    }
    const attributes = this.#namedAttributes(request);
    for (const name of Object.keys(key)) attributes.add(name);
    const context: Record<string, ContextValue> = {
      ...this.#common(request, options.enclosing),
      'dynamodb:LeadingKeys': [keyValue(key[schema.hashKey], schema.hashKey)],
      'dynamodb:Attributes': [...attributes],
    };
    // One request per item image the call can read back, so each must be allowed on its own.
    const images = returnValueImages(request);
    if (images.length <= 1) {
      const [image] = images;
      return [
        {
          action,
          resource: table.arn,
          context: image === undefined ? context : { ...context, 'dynamodb:ReturnValues': image },
        },
      ];
    }
    return images.map((image) => ({
      action,
      resource: table.arn,
      context: { ...context, 'dynamodb:ReturnValues': image },
    }));
  }

  query(request: Json): AuthorizationRequest {
    const table = this.#table(request.TableName);
    const schema = this.#schema(table.name);
    const indexName = optionalString(request.IndexName, 'IndexName');
    let hashKey = schema.hashKey;
    let resource = table.arn;
    if (indexName !== undefined) {
      const index = Object.hasOwn(schema.indexes, indexName) ? schema.indexes[indexName] : undefined;
      if (index === undefined || !NAME.test(indexName)) {
        throw validationError('The table does not have the specified index');
      }
      hashKey = index.hashKey;
      resource = `${table.arn}/index/${indexName}`;
    }
    const leadingKey = this.#queriedPartition(request, hashKey);
    const context = this.#common(request, undefined);
    const select = optionalString(request.Select, 'Select');
    if (select !== undefined) context['dynamodb:Select'] = select;
    return {
      action: 'dynamodb:Query',
      resource,
      context: {
        ...context,
        'dynamodb:LeadingKeys': [leadingKey],
        'dynamodb:Attributes': [...this.#namedAttributes(request)],
      },
    };
  }

  /** The partition a Query reads: the equality on the (index's) hash key, in either syntax. */
  #queriedPartition(request: Json, hashKey: string): string {
    const expression = optionalString(request.KeyConditionExpression, 'KeyConditionExpression');
    let values: string[];
    if (expression !== undefined) {
      const names = stringMap(request.ExpressionAttributeNames, 'ExpressionAttributeNames');
      const attributeValues =
        request.ExpressionAttributeValues === undefined
          ? {}
          : object(request.ExpressionAttributeValues, 'ExpressionAttributeValues');
      values = keyConditionValueRefs(expression, hashKey, names).map((ref) => {
        if (!Object.hasOwn(attributeValues, ref)) {
          throw validationError(
            `Value provided in ExpressionAttributeValues unused in expressions or an expression attribute value used in expression is not defined; attribute value: ${ref}`,
          );
        }
        return keyValue(attributeValues[ref], hashKey);
      });
    } else if (request.KeyConditions !== undefined) {
      const condition = object(request.KeyConditions, 'KeyConditions')[hashKey];
      const legacy = condition === undefined ? undefined : object(condition, `KeyConditions.${hashKey}`);
      const first =
        legacy?.ComparisonOperator === 'EQ'
          ? array(legacy.AttributeValueList, 'AttributeValueList')[0]
          : undefined;
      values = first === undefined ? [] : [keyValue(first, hashKey)];
    } else {
      throw validationError(
        'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
      );
    }
    const [value, ...others] = values;
    if (value === undefined) throw validationError(`Query condition missed key schema element: ${hashKey}`);
    if (others.some((other) => other !== value)) {
      throw validationError('KeyConditionExpressions must only contain one condition per key');
    }
    return value;
  }

  /** Scan reads every partition: no LeadingKeys, which is why it must never be granted to end users. */
  scan(request: Json): AuthorizationRequest {
    const table = this.#table(request.TableName);
    const schema = this.#schema(table.name);
    const indexName = optionalString(request.IndexName, 'IndexName');
    if (indexName !== undefined && (!Object.hasOwn(schema.indexes, indexName) || !NAME.test(indexName))) {
      throw validationError('The table does not have the specified index');
    }
    const context = this.#common(request, undefined);
    const select = optionalString(request.Select, 'Select');
    if (select !== undefined) context['dynamodb:Select'] = select;
    return {
      action: 'dynamodb:Scan',
      resource: indexName === undefined ? table.arn : `${table.arn}/index/${indexName}`,
      context: { ...context, 'dynamodb:Attributes': [...this.#namedAttributes(request)] },
    };
  }

  batchGet(body: Json): AuthorizationRequest[] {
    const items = Object.entries(object(body.RequestItems, 'RequestItems'));
    if (items.length === 0) throw validationError('RequestItems must not be empty');
    return items.flatMap(([tableName, value]) => {
      const keysAndAttributes = object(value, `RequestItems.${tableName}`);
      return array(keysAndAttributes.Keys, 'Keys').flatMap((key) =>
        this.item('dynamodb:BatchGetItem', { ...keysAndAttributes, TableName: tableName }, 'Key', {
          key: object(key, 'Keys[]'),
        }),
      );
    });
  }

  /**
   * Each put and delete is authorized as dynamodb:BatchWriteItem on its table with that item's own
   * LeadingKeys and Attributes: the Service Authorization Reference lists dynamodb:LeadingKeys and
   * dynamodb:Attributes for the BatchWriteItem action, and the DynamoDB guide's per-user-partition
   * policies grant BatchWriteItem under the same LeadingKeys condition as PutItem. One denied item
   * denies the whole call, as on AWS.
   */
  batchWrite(body: Json): AuthorizationRequest[] {
    const tables = Object.entries(object(body.RequestItems, 'RequestItems'));
    if (tables.length === 0) throw validationError('RequestItems must not be empty');
    return tables.flatMap(([tableName, writes]) =>
      array(writes, `RequestItems.${tableName}`).flatMap((write) => {
        const { PutRequest: put, DeleteRequest: del, ...rest } = object(write, 'WriteRequest');
        if ((put === undefined) === (del === undefined) || Object.keys(rest).length > 0) {
          throw validationError('A WriteRequest must contain exactly one of PutRequest or DeleteRequest');
        }
        const request = put !== undefined ? object(put, 'PutRequest') : object(del, 'DeleteRequest');
        return this.item(
          'dynamodb:BatchWriteItem',
          { ...request, TableName: tableName },
          put !== undefined ? 'Item' : 'Key',
          {},
        );
      }),
    );
  }

  /**
   * Transactions have no IAM action of their own: each element is authorized as the single-item action
   * it performs, with dynamodb:EnclosingOperation naming the transaction.
   */
  transact(body: Json, enclosing: string, actions: Record<string, string>): AuthorizationRequest[] {
    return array(body.TransactItems, 'TransactItems').flatMap((element) => {
      const entries = Object.entries(object(element, 'TransactItems[]'));
      const [entry] = entries;
      const action = entry !== undefined && Object.hasOwn(actions, entry[0]) ? actions[entry[0]] : undefined;
      if (entry === undefined || entries.length !== 1 || action === undefined) {
        throw validationError(
          `Each element of TransactItems must contain exactly one of ${Object.keys(actions).join(', ')}`,
        );
      }
      return this.item(action, object(entry[1], entry[0]), entry[0] === 'Put' ? 'Item' : 'Key', {
        enclosing,
      });
    });
  }

  /**
   * PartiQL: the action follows the statement's verb and the resource its table (or index). Leading keys
   * and attributes are not extracted, so the request is marked to fail closed.
   */
  partiql(request: Json): AuthorizationRequest {
    const statement = optionalString(request.Statement, 'Statement');
    if (statement === undefined) throw validationError('Statement must be specified');
    const target = partiqlTarget(statement);
    const table = this.#table(target.table);
    const resource = target.index === undefined ? table.arn : `${table.arn}/index/${target.index}`;
    return {
      action: target.action,
      resource,
      context: this.#common({}, undefined),
      failClosed: PARTIQL_FAIL_CLOSED,
    };
  }

  /** Control-plane and other operations: `dynamodb:<Operation>` on the table they name, else `*`. */
  control(action: string, body: Json): AuthorizationRequest {
    let resource = '*';
    if (body.TableName !== undefined) resource = this.#table(body.TableName).arn;
    else if (body.TableArn !== undefined) resource = this.#table(body.TableArn).arn;
    else if (typeof body.ResourceArn === 'string') resource = body.ResourceArn;
    return { action, resource, context: {} };
  }
}

/**
 * The values dynamodb:ReturnValues takes for one item request: ReturnValues, and
 * ReturnValuesOnConditionCheckFailure (`ALL_OLD` returns the whole existing item when the condition
 * fails), so a policy limiting ReturnValues cannot be sidestepped by failing a condition on purpose.
 * A request that asks for both is authorized once per value.
 */
function returnValueImages(request: Json): string[] {
  const returnValues = optionalString(request.ReturnValues, 'ReturnValues');
  const onFailure = optionalString(
    request.ReturnValuesOnConditionCheckFailure,
    'ReturnValuesOnConditionCheckFailure',
  );
  const images = returnValues === undefined ? [] : [returnValues];
  if (onFailure !== undefined && onFailure !== 'NONE' && onFailure !== returnValues) images.push(onFailure);
  return images;
}

const PARTIQL_ACTIONS: Record<string, string> = {
  select: 'dynamodb:PartiQLSelect',
  insert: 'dynamodb:PartiQLInsert',
  update: 'dynamodb:PartiQLUpdate',
  delete: 'dynamodb:PartiQLDelete',
};

/** The verb and target of a PartiQL statement: `SELECT ... FROM "t"."i"`, `INSERT INTO t`, `UPDATE t`, `DELETE FROM t`. */
function partiqlTarget(statement: string): { action: string; table: string; index?: string } {
  const words = [
    ...statement.matchAll(/"((?:[^"]|"")*)"|'(?:[^']|'')*'|([A-Za-z_][A-Za-z0-9_.-]*)|(\S)/g),
  ].map((m) => ({
    quoted: m[1]?.replaceAll('""', '"'),
    bare: m[2],
    other: m[0],
  }));
  const verb = words[0]?.bare?.toLowerCase() ?? '';
  const action = Object.hasOwn(PARTIQL_ACTIONS, verb) ? PARTIQL_ACTIONS[verb] : undefined;
  if (action === undefined)
    throw validationError(`Statement wasn't well formed, can't be processed: unsupported verb`);
  const marker = verb === 'select' || verb === 'delete' ? 'from' : verb === 'insert' ? 'into' : undefined;
  const at = marker === undefined ? 1 : words.findIndex((w) => w.bare?.toLowerCase() === marker) + 1;
  const name = (i: number) => words[i]?.quoted ?? words[i]?.bare;
  const table = at > 0 ? name(at) : undefined;
  if (table === undefined)
    throw validationError(`Statement wasn't well formed, can't be processed: no table`);
  // A bare `table.index` tokenizes as one word; a quoted one as "table" . "index".
  if (words[at]?.bare !== undefined && table.includes('.')) {
    const [bareTable = '', bareIndex] = table.split('.');
    return { action, table: bareTable, ...(bareIndex === undefined ? {} : { index: bareIndex }) };
  }
  const index = words[at + 1]?.other === '.' ? name(at + 2) : undefined;
  if (index !== undefined && !NAME.test(index)) throw validationError('Invalid index name');
  return { action, table, ...(index === undefined ? {} : { index }) };
}
