/**
 * Uploads on a real local stack that fails the way AWS does (local-aws/gateway/faults.ts): lost replies
 * on PutObject, UploadPart and CompleteMultipartUpload, and a metadata write that never succeeds (as
 * when the page closes between S3 and DynamoDB). The promise kept: no public object without a library
 * entry, no duplicate, and the library says what the bucket holds.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { noisePng } from '../../e2e/support/images.ts';
import { clearFaults, faultReport, queueFaults } from '../../local-aws/gateway/faults-admin.ts';
import type { LocalStack } from '../../local-aws/stack.ts';
import { signInUser, startTestStack, type TestStack } from '../../local-aws/testing/stack-users.ts';
import type { AwsClients } from '../aws/client-factory.ts';
import type { S3Sender } from '../aws/multipart-upload.ts';
import { memoryJournal } from '../aws/upload-journal.ts';
import { keys } from '../core/model.ts';
import { type AssetStore, listAssets, uploadAsset } from './assets.ts';

let local: TestStack;
let stack: LocalStack;
let writerId: string;
let writerClients: AwsClients;
let store: AssetStore;
let admin: AwsClients;

/** Node's SDK sends bytes, not Blobs (the browser's sends Blobs): the same calls, bodies read first. */
function nodeS3(clients: AwsClients): S3Sender {
  return {
    async send(command, options) {
      const input = command.input as { Body?: unknown };
      if (input.Body instanceof Blob) input.Body = new Uint8Array(await input.Body.arrayBuffer());
      return clients.s3.send(command, options);
    },
  };
}

/** The writer's objects in the bucket and library entries in the table (admin: no random faults). */
async function bucketAndLibrary() {
  const { Contents = [] } = await admin.s3.send(
    new ListObjectsV2Command({ Bucket: stack.bucketName, Prefix: `public/${writerId}/assets/` }),
  );
  const { Items = [] } = await admin.documents.send(
    new QueryCommand({
      TableName: stack.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :a)',
      ExpressionAttributeValues: { ':pk': keys.publicPartition(writerId), ':a': 'A' },
      ConsistentRead: true,
    }),
  );
  return {
    objects: Contents.map((object) => String(object.Key)).sort(),
    entries: Items.filter((item) => item.type === 'asset')
      .map((item) => `${String(item.key)}${item.status === 'pending' ? ' (pending)' : ''}`)
      .sort(),
    tagEntries: Items.filter((item) => item.type === 'asset-tag').length,
  };
}

const png = (name: string, width: number, height: number) =>
  new File([new Uint8Array(noisePng(width, height))], name, { type: 'image/png', lastModified: 1 });

beforeAll(async () => {
  local = await startTestStack({
    name: 'asset-faults',
    appOrigin: 'http://127.0.0.1:5996',
    faults: 'on,seed:21',
  });
  ({ stack, admin } = local);
  const writer = await signInUser(stack, 'alice');
  writerId = writer.id;
  writerClients = writer.clients;
  store = {
    s3: nodeS3(writer.clients),
    documents: writer.clients.documents,
    bucketName: stack.bucketName,
    tableName: stack.tableName,
    assetBaseUrl: stack.appConfig.assetBaseUrl,
    identityId: async () => writerId,
    journal: memoryJournal(),
    network: { online: () => true, waitUntilOnline: async () => {} },
  };
});

afterEach(async () => {
  if (stack) await clearFaults(stack.gatewayUrl);
});

afterAll(async () => {
  writerClients?.destroy();
  await local?.stop();
});

describe('uploads when AWS fails the way it does', () => {
  it('a PutObject and a metadata write whose replies are lost: one object, one complete entry', async () => {
    await queueFaults(
      stack.gatewayUrl,
      { service: 's3', operation: 'PutObject', fault: 'drop' },
      { service: 'dynamodb', operation: 'TransactWriteItems', fault: 'drop' },
    );
    const asset = await uploadAsset(store, png('small.png', 32, 32), { tags: ['harbour'] });
    expect(asset.pending).toBeUndefined();
    expect((await faultReport(stack.gatewayUrl)).injected.drop).toBe(2);
    expect(await bucketAndLibrary()).toEqual({ objects: [asset.key], entries: [asset.key], tagEntries: 1 });
  });

  it('no object is written when its entry cannot be: nothing public without an entry', async () => {
    const before = await bucketAndLibrary();
    await queueFaults(stack.gatewayUrl, {
      service: 'dynamodb',
      operation: 'PutItem',
      fault: 'error5xx',
      times: 10,
    });
    await expect(uploadAsset(store, png('refused.png', 16, 16))).rejects.toMatchObject({
      code: 'asset-upload-failed',
    });
    expect(await bucketAndLibrary()).toEqual(before);
  });

  it('the upload reaches S3 but its entry is never completed (the page closed): the entry is there, pending, and the library completes it', async () => {
    await queueFaults(stack.gatewayUrl, {
      service: 'dynamodb',
      operation: 'TransactWriteItems',
      fault: 'error5xx',
      times: 10,
    });
    // 6 MB: two parts; the completion's reply is lost too (its re-send meets a finished upload).
    const large = png('large.png', 1500, 1400);
    await queueFaults(
      stack.gatewayUrl,
      { service: 's3', operation: 'UploadPart', fault: 'drop' },
      { service: 's3', operation: 'CompleteMultipartUpload', fault: 'drop' },
    );
    const failed = await uploadAsset(store, large, { tags: ['boats'] }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: 'asset-save-failed' });
    expect((await faultReport(stack.gatewayUrl)).injected.drop).toBe(4);
    await clearFaults(stack.gatewayUrl);

    const stranded = await bucketAndLibrary();
    const key = stranded.objects.find((k) => k.endsWith('-large.png'));
    expect(key).toBeDefined();
    // The object has an entry: pending, in no tag list yet.
    expect(stranded.entries).toContain(`${key} (pending)`);
    expect(stranded.tagEntries).toBe(1);

    // The writer opens the library: the object is in S3, so the entry is completed, with its tags.
    const { assets } = await listAssets(store);
    expect(assets.find((a) => a.key === key)).toMatchObject({ name: 'large.png', tags: ['boats'] });
    expect(assets.find((a) => a.key === key)?.pending).toBeUndefined();
    const settled = await bucketAndLibrary();
    expect(settled.entries).toContain(key);
    expect(settled.objects).toEqual(settled.entries);
    expect(settled.tagEntries).toBe(2);
    expect((await listAssets(store, { tag: 'boats' })).assets.map((a) => a.key)).toEqual([key]);
  });
});
