/**
 * What the table and bucket hold, read with the local admin key (which the gateway never faults), so a
 * spec can count exactly what the app wrote, in the fault lane too.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_ADMIN_CREDENTIALS } from '../../local-aws/admin.ts';
import { createAwsClients } from '../../src/aws/client-factory.ts';
import { keys } from '../../src/core/model.ts';

interface Stack {
  gatewayUrl: string;
  config: { region: string; tableName: string; bucketName: string };
}

function admin(stack: Stack) {
  return createAwsClients({
    region: stack.config.region,
    endpoint: stack.gatewayUrl,
    credentials: LOCAL_ADMIN_CREDENTIALS,
  });
}

/** Every item of an author's draft and public partitions, as `D#<SK>` / `U#<SK>`, sorted. */
export async function authorItems(stack: Stack, authorId: string): Promise<string[]> {
  const clients = admin(stack);
  const found: string[] = [];
  try {
    for (const partition of [keys.privatePartition(authorId), keys.publicPartition(authorId)]) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await clients.documents.send(
          new QueryCommand({
            TableName: stack.config.tableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': partition },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          const pending = item.status === 'pending' && item.type === 'asset' ? ' (pending)' : '';
          found.push(`${String(item.PK).slice(0, 2)}${String(item.SK)}${pending}`);
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
  } finally {
    clients.destroy();
  }
  return found.sort();
}

/** The author's published-post count (the STATS item the publish transactions keep). */
export async function publishedCount(stack: Stack, authorId: string): Promise<number> {
  const clients = admin(stack);
  try {
    const { Item } = await clients.documents.send(
      new GetCommand({
        TableName: stack.config.tableName,
        Key: keys.authorStats(authorId),
        ConsistentRead: true,
      }),
    );
    return Number(Item?.posts ?? 0);
  } finally {
    clients.destroy();
  }
}

/** The keys of the objects under `prefix`, sorted. */
export async function bucketKeys(stack: Stack, prefix: string): Promise<string[]> {
  const clients = admin(stack);
  const found: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await clients.s3.send(
        new ListObjectsV2Command({
          Bucket: stack.config.bucketName,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) found.push(String(object.Key));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    clients.destroy();
  }
  return found.sort();
}
