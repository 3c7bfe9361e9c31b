/**
 * The posts data layer on a real local stack that fails the way AWS fails (local-aws/gateway/faults.ts):
 * replies lost after DynamoDB committed, transaction conflicts, throttling that outlasts the SDK's
 * retries. Each case from issue 12's measurements: no duplicate, no false conflict, no false success.
 * Writers' clients keep the SDK's default retries, as the browser's do.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../local-aws/gateway/faults.ts';
import {
  clearFaults,
  clientsWithFaultHeader,
  faultReport,
  queueFaults,
} from '../../local-aws/gateway/faults-admin.ts';
import type { LocalStack } from '../../local-aws/stack.ts';
import { signInUser, startTestStack, type TestStack } from '../../local-aws/testing/stack-users.ts';
import type { AwsClients } from '../aws/client-factory.ts';
import { keys } from '../core/model.ts';
import { PostConflictError } from './post-errors.ts';
import {
  createPost,
  deletePost,
  getDraft,
  type NewPost,
  type PostStore,
  publishPost,
  renameDraft,
  saveDraft,
  unpublishPost,
} from './posts.ts';

let local: TestStack;
let stack: LocalStack;
let writer: { id: string; clients: AwsClients; store: PostStore };
let admin: AwsClients;

async function signIn(username: string) {
  // The SDK's default retries (3 attempts), as in the browser.
  const { id, clients } = await signInUser(stack, username);
  // No S3: the Atom feed (a second step after publishing) is not what is under test here.
  const store: PostStore = { documents: clients.documents, tableName: stack.tableName };
  return { id, clients, store };
}

const newPost = (authorId: string, over: Partial<NewPost> = {}): NewPost => ({
  authorId,
  authorName: 'Alice Archer',
  slug: 'under-faults',
  title: 'Under faults',
  body: 'First words.',
  excerpt: '',
  tags: ['faults'],
  clientToken: 'token-faults',
  ...over,
});

/** The gateway fails the next DynamoDB `operation` calls as listed, one rule after the other. */
function dynamodbFaults(operation: string, ...rules: Pick<FaultRule, 'fault' | 'times'>[]) {
  return queueFaults(
    stack.gatewayUrl,
    ...rules.map((rule) => ({ service: 'dynamodb' as const, operation, ...rule })),
  );
}

/** Every item in the writer's partitions (admin Query: the admin key gets no random faults). */
async function itemsOf(authorId: string): Promise<string[]> {
  const sortKeys: string[] = [];
  for (const partition of [keys.privatePartition(authorId), keys.publicPartition(authorId)]) {
    const { Items = [] } = await admin.documents.send(
      new QueryCommand({
        TableName: stack.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ConsistentRead: true,
      }),
    );
    for (const item of Items) sortKeys.push(`${String(item.PK).slice(0, 2)}${String(item.SK)}`);
  }
  return sortKeys.sort();
}

async function publishedCount(authorId: string): Promise<number> {
  const { Item } = await admin.documents.send(
    new GetCommand({ TableName: stack.tableName, Key: keys.authorStats(authorId), ConsistentRead: true }),
  );
  return Number(Item?.posts ?? 0);
}

beforeAll(async () => {
  local = await startTestStack({
    name: 'faults',
    appOrigin: 'http://127.0.0.1:5997',
    // On, with no random faults: each test asks for the faults it is about.
    faults: 'on,seed:12',
  });
  ({ stack, admin } = local);
  writer = await signIn('alice');
});

afterEach(async () => {
  // A test that failed half-way must not leave its faults to the next one.
  if (stack) await clearFaults(stack.gatewayUrl);
});

afterAll(async () => {
  writer?.clients.destroy();
  await local?.stop();
});

describe('posts when AWS fails the way it does', () => {
  it('a create whose reply is lost is re-sent by the SDK and makes one post', async () => {
    const { store, id } = writer;
    await dynamodbFaults('PutItem', { fault: 'drop' });
    const created = await createPost(store, newPost(id));
    expect(created).toMatchObject({ slug: 'under-faults', version: 1 });
    expect((await faultReport(stack.gatewayUrl)).injected.drop).toBe(1);
    expect(await itemsOf(id)).toEqual(['D#P#under-faults']);
  });

  it('a save whose reply is lost meets its own write on the re-send: success, not a conflict', async () => {
    const { store, id } = writer;
    const loaded = await getDraft(store, id, 'under-faults');
    await dynamodbFaults('UpdateItem', { fault: 'drop' });
    const saved = await saveDraft(store, { ...loaded, body: 'Saved through a lost reply.' });
    expect(saved).toMatchObject({ body: 'Saved through a lost reply.', version: loaded.version + 1 });
    expect(await getDraft(store, id, 'under-faults')).toMatchObject({
      body: 'Saved through a lost reply.',
      version: loaded.version + 1,
    });
  });

  it('a save another window overtook is still a conflict, with their text (no false success)', async () => {
    const { store, id } = writer;
    const loaded = await getDraft(store, id, 'under-faults');
    await saveDraft(store, { ...loaded, body: 'The other window.' });
    await dynamodbFaults('UpdateItem', { fault: 'drop' });
    const stale = await saveDraft(store, { ...loaded, body: 'This window.' }).catch(
      (error: unknown) => error,
    );
    expect(stale).toBeInstanceOf(PostConflictError);
    expect((stale as PostConflictError).theirs.body).toBe('The other window.');
    // The dropped request was the one refused: nothing of this window's was written.
    expect((await getDraft(store, id, 'under-faults')).body).toBe('The other window.');
  });

  it('transaction conflicts on a save are retried with backoff until it goes through', async () => {
    const { store, id } = writer;
    const loaded = await getDraft(store, id, 'under-faults');
    await dynamodbFaults('UpdateItem', { fault: 'conflict', times: 2 });
    const saved = await saveDraft(store, { ...loaded, body: 'After two conflicts.' });
    expect(saved.version).toBe(loaded.version + 1);
    expect((await faultReport(stack.gatewayUrl)).injected.conflict).toBeGreaterThanOrEqual(2);
  });

  it('a publish whose reply is lost is re-sent with its ClientRequestToken: published once, counted once', async () => {
    const { store, id } = writer;
    const loaded = await getDraft(store, id, 'under-faults');
    await dynamodbFaults('TransactWriteItems', { fault: 'drop' });
    const { post } = await publishPost(store, loaded);
    expect(post).toMatchObject({ status: 'published', version: loaded.version + 1 });
    expect(await publishedCount(id)).toBe(1);
    expect(await itemsOf(id)).toEqual([
      'D#P#under-faults',
      'U#P#under-faults',
      'U#STATS',
      'U#T#faults#under-faults',
    ]);
  });

  it('a lost reply, then a conflict on the re-send, then the app’s own retry meeting its write: success', async () => {
    const { store, id } = writer;
    const loaded = await getDraft(store, id, 'under-faults');
    await dynamodbFaults('TransactWriteItems', { fault: 'drop' }, { fault: 'conflict' });
    const { post } = await unpublishPost(store, loaded);
    expect(post).toMatchObject({ status: 'draft', version: loaded.version + 1 });
    expect(await publishedCount(id)).toBe(0);
    expect(await itemsOf(id)).toEqual(['D#P#under-faults', 'U#STATS']);
  });

  it('a rename through a lost reply and a conflict lands once at the new address', async () => {
    const { store, id } = writer;
    const loaded = await getDraft(store, id, 'under-faults');
    await dynamodbFaults('TransactWriteItems', { fault: 'drop' }, { fault: 'conflict' });
    const renamed = await renameDraft(store, loaded, 'renamed-under-faults');
    expect(renamed).toMatchObject({ slug: 'renamed-under-faults', version: loaded.version + 1 });
    expect(await itemsOf(id)).toEqual(['D#P#renamed-under-faults', 'U#STATS']);
  });

  it('throttling that outlasts every retry is a clear "busy" error, and nothing is written', async () => {
    const { store, id } = writer;
    const loaded = await getDraft(store, id, 'renamed-under-faults');
    await dynamodbFaults('UpdateItem', {
      fault: 'throttle',
      // More than the SDK's attempts (its default has changed between releases).
      times: 10,
    });
    await expect(saveDraft(store, { ...loaded, body: 'Never stored.' })).rejects.toMatchObject({
      code: 'busy',
    });
    expect(await getDraft(store, id, 'renamed-under-faults')).toMatchObject({
      body: loaded.body,
      version: loaded.version,
    });
  });

  it('a delete through a lost reply and a conflict is done, not "deleted in another window"', async () => {
    const { store, id } = writer;
    const loaded = await getDraft(store, id, 'renamed-under-faults');
    await dynamodbFaults('TransactWriteItems', { fault: 'drop' }, { fault: 'conflict' });
    await deletePost(store, loaded);
    expect(await itemsOf(id)).toEqual(['U#STATS']);
  });

  it('a test can fault one request with the x-inkwell-fault header', async () => {
    const faulted = clientsWithFaultHeader(stack.gatewayUrl, 'throttle');
    const error: unknown = await faulted.documents
      .send(new GetCommand({ TableName: stack.tableName, Key: keys.authorStats(writer.id) }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(['ProvisionedThroughputExceededException', 'ThrottlingException']).toContain(
      (error as { name?: string } | undefined)?.name,
    );
    faulted.destroy();
  });
});
