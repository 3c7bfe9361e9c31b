import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableKeySchema } from './iam/dynamodb-requests.ts';

/**
 * Key schemas of the tables behind the gateway, read from DynamoDB Local on first use. Authorization
 * needs them to tell which attribute of an item or a key condition is the partition key
 * (dynamodb:LeadingKeys), including an index's own partition key.
 */
export class TableSchemaCache {
  readonly #schemas = new Map<string, TableKeySchema>();
  readonly #client: DynamoDBClient;

  constructor(client: DynamoDBClient) {
    this.#client = client;
  }

  get(tableName: string): TableKeySchema | undefined {
    return this.#schemas.get(tableName);
  }

  /** Loads the schema of every table a request body names that is not cached yet. */
  async ensure(input: unknown): Promise<void> {
    for (const name of tableNamesIn(input)) {
      if (this.#schemas.has(name)) continue;
      const schema = await this.#describe(name);
      if (schema) this.#schemas.set(name, schema);
    }
  }

  /** Forgets a table, e.g. after it was deleted and re-created by a reset. */
  forget(tableName?: string): void {
    if (tableName) this.#schemas.delete(tableName);
    else this.#schemas.clear();
  }

  async #describe(tableName: string): Promise<TableKeySchema | undefined> {
    try {
      const { Table } = await this.#client.send(new DescribeTableCommand({ TableName: tableName }));
      if (!Table?.KeySchema) return undefined;
      const keyOf = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) => {
        const hashKey = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '';
        const rangeKey = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
        return rangeKey ? { hashKey, rangeKey } : { hashKey };
      };
      const indexes: TableKeySchema['indexes'] = {};
      for (const index of [...(Table.GlobalSecondaryIndexes ?? []), ...(Table.LocalSecondaryIndexes ?? [])]) {
        if (index.IndexName) indexes[index.IndexName] = keyOf(index.KeySchema);
      }
      return { ...keyOf(Table.KeySchema), indexes };
    } catch {
      // Unknown table: DynamoDB Local will answer ResourceNotFoundException after authorization.
      return undefined;
    }
  }
}

function tableNamesIn(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return [];
  const body = input as {
    TableName?: unknown;
    RequestItems?: Record<string, unknown>;
    TransactItems?: Record<string, { TableName?: unknown }>[];
  };
  const names = new Set<string>();
  if (typeof body.TableName === 'string') names.add(body.TableName);
  for (const name of Object.keys(body.RequestItems ?? {})) names.add(name);
  for (const item of body.TransactItems ?? []) {
    for (const operation of Object.values(item ?? {})) {
      if (typeof operation?.TableName === 'string') names.add(operation.TableName);
    }
  }
  return [...names];
}
