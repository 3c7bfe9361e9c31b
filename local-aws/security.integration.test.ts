/**
 * The attack suite: every way one user might reach another's data through the real gateway, with real
 * temporary credentials obtained through the real OpenID flow and Cognito/STS stand-ins. Each attack
 * must be refused; each legitimate twin must be allowed (so a refusal is the policy's doing, not a
 * broken request).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
} from '@aws-sdk/client-cognito-identity';
import {
  CreateTableCommand,
  DeleteTableCommand,
  ExecuteStatementCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentity } from '@smithy/types';
import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../src/aws/client-factory.ts';
import { substitutePolicyVariables } from '../src/core/access-policy.ts';
import { commentItem, hideMarkerItem, reactionItem } from '../src/core/comment-items.ts';
import { INDEX, keys } from '../src/core/model.ts';
import { publishedItem } from '../src/core/post-items.ts';
import { buildThreads, listComments, postComment } from '../src/data/comments.ts';
import { listFeed } from '../src/data/feed.ts';
import { LOCAL_ADMIN_CREDENTIALS } from './admin.ts';
import { basicFlowCredentials } from './cognito-identity/basic-flow.ts';
import { LOCAL_ACCOUNT_ID, localRoles } from './roles.ts';
import { LOCAL_CLIENT_ID, type LocalStack } from './stack.ts';
import { signInGuest, signInUser, startTestStack, type TestStack } from './testing/stack-users.ts';

let local: TestStack;
let dataDir: string;
let stack: LocalStack;
let table: string;
let bucket: string;
const ids: Record<'alice' | 'bob', string> = { alice: '', bob: '' };
const tokens: Record<'alice' | 'bob', string> = { alice: '', bob: '' };
let alice: AwsClients;
let bob: AwsClients;
let guest: AwsClients;
let guestId: string;

function clientsFor(credentials: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>)): AwsClients {
  return createAwsClients({ region: 'us-east-1', endpoint: stack.gatewayUrl, credentials, maxAttempts: 1 });
}

async function cognitoCredentials(idToken?: string) {
  const client = new CognitoIdentityClient({ region: 'us-east-1', endpoint: stack.gatewayUrl });
  const issuerKey = stack.oidcIssuer.replace(/^https?:\/\//, '');
  const logins = idToken ? { [issuerKey]: idToken } : undefined;
  const { IdentityId } = await client.send(
    new GetIdCommand({ IdentityPoolId: stack.identityPoolId, ...(logins ? { Logins: logins } : {}) }),
  );
  const provider = fromCognitoIdentityPool({
    clientConfig: { region: 'us-east-1', endpoint: stack.gatewayUrl },
    identityPoolId: stack.identityPoolId,
    ...(logins ? { logins } : {}),
  });
  return { identityId: IdentityId!, credentials: await provider() };
}

async function assumeWithToken(token: string, durationSeconds?: number) {
  const sts = new STSClient({ region: 'us-east-1', endpoint: stack.gatewayUrl, maxAttempts: 1 });
  const result = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: stack.appConfig.providers[0]!.roleArn!,
      RoleSessionName: 'attack-suite',
      WebIdentityToken: token,
      ...(durationSeconds ? { DurationSeconds: durationSeconds } : {}),
    }),
  );
  sts.destroy();
  return result.Credentials!;
}

/** The provider's real signing key, read from its data folder, to mint tokens that differ in one claim. */
async function forgeToken(claims: Record<string, unknown>, options: { foreignKey?: boolean } = {}) {
  const jwks = JSON.parse(await readFile(join(dataDir, 'oidc', 'jwks.json'), 'utf8')) as { keys: JWK[] };
  const real = jwks.keys[0]!;
  const key = options.foreignKey
    ? (await generateKeyPair('RS256')).privateKey
    : await importJWK(real, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'alice', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: real.kid! })
    .setIssuer((claims.iss as string) ?? stack.oidcIssuer)
    .setAudience((claims.aud as string) ?? LOCAL_CLIENT_ID)
    .setIssuedAt(now - 10)
    .setExpirationTime((claims.exp as number) ?? now + 600)
    .sign(key);
}

function guestRoleArn(): string {
  const { identity } = stack.appConfig;
  if (!identity.guestRoleArn) throw new Error('the local stack names no guest role');
  return identity.guestRoleArn;
}

const denied = { name: 'AccessDeniedException' };
const s3Denied = { name: 'AccessDenied' };

beforeAll(async () => {
  local = await startTestStack({
    name: 'security',
    appOrigin: 'http://127.0.0.1:5999',
    minCredentialsTtlSeconds: 1,
  });
  ({ stack, dataDir } = local);
  table = stack.tableName;
  bucket = stack.bucketName;
  for (const user of ['alice', 'bob'] as const) {
    const signedIn = await signInUser(stack, user, { maxAttempts: 1 });
    tokens[user] = signedIn.idToken;
    ids[user] = signedIn.id;
    if (user === 'alice') alice = signedIn.clients;
    else bob = signedIn.clients;
  }
  // Guests use the basic flow, as the app does: enhanced-flow guest keys are scoped down (see below).
  const guestSession = await signInGuest(stack, { maxAttempts: 1 });
  guestId = guestSession.id;
  guest = guestSession.clients;

  // Alice's data, written by Alice herself: a draft, a published post, its counters, an image.
  await alice.documents.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: table,
            Item: { ...keys.draft(ids.alice, 'secret'), title: 'Secret draft', version: 1 },
          },
        },
        {
          Put: {
            TableName: table,
            Item: {
              ...keys.published(ids.alice, 'hello'),
              title: 'Hello',
              version: 1,
              [INDEX.feed.partitionKey]: 'FEED#2026-11',
              [INDEX.feed.sortKey]: `2026-11-01#${ids.alice}#hello`,
            },
          },
        },
        { Put: { TableName: table, Item: { ...keys.counters(ids.alice, 'hello'), likes: 0 } } },
      ],
    }),
  );
  await alice.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: `public/${ids.alice}/cat.png`,
      Body: 'png',
      ContentType: 'image/png',
    }),
  );
});

afterAll(async () => {
  for (const c of [alice, bob, guest]) c?.destroy();
  await local?.stop();
});

describe('attacks through the gateway are refused', () => {
  it("1. bob reads alice's draft", async () => {
    await expect(
      bob.documents.send(new GetCommand({ TableName: table, Key: keys.draft(ids.alice, 'secret') })),
    ).rejects.toMatchObject(denied);
  });
  it("2. bob queries alice's private partition", async () => {
    await expect(
      bob.documents.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.privatePartition(ids.alice) },
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("3. bob queries alice's drafts through the by-date index", async () => {
    await expect(
      bob.documents.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEX.byDate.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'PK' },
          ExpressionAttributeValues: { ':pk': keys.privatePartition(ids.alice) },
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("4. bob puts an item into alice's public partition", async () => {
    await expect(
      bob.documents.send(
        new PutCommand({ TableName: table, Item: { ...keys.published(ids.alice, 'fake'), title: 'Fake' } }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("5. bob overwrites alice's draft", async () => {
    await expect(
      bob.documents.send(
        new PutCommand({ TableName: table, Item: { ...keys.draft(ids.alice, 'secret'), title: 'Pwned' } }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("6. bob updates the title of alice's published post", async () => {
    await expect(
      bob.documents.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.published(ids.alice, 'hello'),
          UpdateExpression: 'SET title = :t',
          ExpressionAttributeValues: { ':t': 'Pwned' },
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("7. bob deletes alice's published post", async () => {
    await expect(
      bob.documents.send(new DeleteCommand({ TableName: table, Key: keys.published(ids.alice, 'hello') })),
    ).rejects.toMatchObject(denied);
  });
  it("8. bob hides one of alice's items in a batch write of his own", async () => {
    await expect(
      bob.documents.send(
        new BatchWriteCommand({
          RequestItems: {
            [table]: [
              { PutRequest: { Item: { ...keys.draft(ids.bob, 'mine'), title: 'Mine' } } },
              { DeleteRequest: { Key: keys.published(ids.alice, 'hello') } },
            ],
          },
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("9. bob batch-gets alice's draft among public items", async () => {
    await expect(
      bob.documents.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: { Keys: [keys.published(ids.alice, 'hello'), keys.draft(ids.alice, 'secret')] },
          },
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("10. bob updates alice's post inside a transaction of his own", async () => {
    await expect(
      bob.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { ...keys.draft(ids.bob, 'mine'), title: 'Mine' } } },
            {
              Update: {
                TableName: table,
                Key: keys.published(ids.alice, 'hello'),
                UpdateExpression: 'SET title = :t',
                ExpressionAttributeValues: { ':t': 'Pwned' },
              },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("11. bob probes alice's draft with a transaction condition check", async () => {
    await expect(
      bob.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { ...keys.draft(ids.bob, 'probe'), title: 'x' } } },
            {
              ConditionCheck: {
                TableName: table,
                Key: keys.draft(ids.alice, 'secret'),
                ConditionExpression: 'begins_with(title, :s)',
                ExpressionAttributeValues: { ':s': 'Secret' },
              },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("12. bob reads alice's draft in a transactional get", async () => {
    await expect(
      bob.documents.send(
        new TransactGetCommand({
          TransactItems: [{ Get: { TableName: table, Key: keys.draft(ids.alice, 'secret') } }],
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it('13. a writer scans the whole table', async () => {
    await expect(bob.dynamodb.send(new ScanCommand({ TableName: table }))).rejects.toMatchObject(denied);
  });
  it('14. a guest scans the feed index', async () => {
    await expect(
      guest.dynamodb.send(new ScanCommand({ TableName: table, IndexName: INDEX.feed.name })),
    ).rejects.toMatchObject(denied);
  });
  it("15. bob reads alice's drafts with PartiQL", async () => {
    await expect(
      bob.dynamodb.send(
        new ExecuteStatementCommand({
          Statement: `SELECT * FROM "${table}" WHERE PK = ?`,
          Parameters: [{ S: keys.privatePartition(ids.alice) }],
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("16. bob changes the title through alice's counter item (attribute outside the allow-list)", async () => {
    await expect(
      bob.documents.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.counters(ids.alice, 'hello'),
          UpdateExpression: 'SET title = :t',
          ExpressionAttributeValues: { ':t': 'Pwned' },
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it('17. bob reads a whole counter item back through ReturnValues ALL_NEW', async () => {
    await expect(
      bob.documents.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.counters(ids.alice, 'hello'),
          UpdateExpression: 'ADD likes :one',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it('17b. bob reads a whole counter item back by failing a condition (ReturnValuesOnConditionCheckFailure)', async () => {
    await expect(
      bob.documents.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.counters(ids.alice, 'hello'),
          UpdateExpression: 'ADD likes :one',
          ConditionExpression: 'attribute_not_exists(PK)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it('18. a writer adds an attribute the data model does not know (isAdmin) to their own item', async () => {
    await expect(
      bob.documents.send(
        new PutCommand({ TableName: table, Item: { ...keys.profile(ids.bob), name: 'Bob', isAdmin: true } }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it('19. a guest writes an item into their own identity partition', async () => {
    await expect(
      guest.documents.send(
        new PutCommand({ TableName: table, Item: { ...keys.profile(guestId), name: 'Guest' } }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it('20. a guest likes a post (reactions need sign-in)', async () => {
    await expect(
      guest.documents.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.counters(ids.alice, 'hello'),
          UpdateExpression: 'ADD likes :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("21. a guest reads alice's draft", async () => {
    await expect(
      guest.documents.send(new GetCommand({ TableName: table, Key: keys.draft(ids.alice, 'secret') })),
    ).rejects.toMatchObject(denied);
  });
  it('22. a writer deletes the table', async () => {
    await expect(bob.dynamodb.send(new DeleteTableCommand({ TableName: table }))).rejects.toMatchObject(
      denied,
    );
  });
  it('23. a writer creates a table of their own', async () => {
    await expect(
      bob.dynamodb.send(
        new CreateTableCommand({
          TableName: 'bobs-table',
          AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      ),
    ).rejects.toMatchObject(denied);
  });
  it("24. bob uploads into alice's S3 prefix", async () => {
    await expect(
      bob.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: `public/${ids.alice}/cat.png`, Body: 'overwritten' }),
      ),
    ).rejects.toMatchObject(s3Denied);
  });
  it("25. bob deletes alice's image", async () => {
    await expect(
      bob.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `public/${ids.alice}/cat.png` })),
    ).rejects.toMatchObject(s3Denied);
  });
  it("26. bob lists alice's prefix", async () => {
    await expect(
      bob.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `public/${ids.alice}/` })),
    ).rejects.toMatchObject(s3Denied);
  });
  it('27. bob lists the whole bucket', async () => {
    await expect(bob.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).rejects.toMatchObject(s3Denied);
  });
  it("28. bob starts a multipart upload in alice's prefix", async () => {
    await expect(
      bob.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `public/${ids.alice}/big.bin` })),
    ).rejects.toMatchObject(s3Denied);
  });
  it('29. a guest uploads an object', async () => {
    await expect(
      guest.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `public/${guestId}/x.png`, Body: 'x' })),
    ).rejects.toMatchObject(s3Denied);
  });
  it('30. an unsigned request uploads an object', async () => {
    const response = await fetch(`${stack.gatewayUrl}/${bucket}/public/${ids.alice}/cat.png`, {
      method: 'PUT',
      body: 'anonymous',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
  });
  it('31. a reader fetches an object outside the public prefix', async () => {
    await alice.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `public/${ids.alice}/ok.txt`, Body: 'ok' }),
    ); // twin setup
    const admin = clientsFor(LOCAL_ADMIN_CREDENTIALS);
    await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'internal/export.jsonl', Body: '{}' }));
    admin.destroy();
    await expect(
      bob.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'internal/export.jsonl' })),
    ).rejects.toMatchObject(s3Denied);
  });
  it('32. expired temporary credentials are refused with ExpiredTokenException', async () => {
    const credentials = await assumeWithToken(tokens.alice, 1);
    await new Promise((r) => setTimeout(r, 1500));
    const expired = clientsFor({
      accessKeyId: credentials.AccessKeyId!,
      secretAccessKey: credentials.SecretAccessKey!,
      sessionToken: credentials.SessionToken!,
    });
    await expect(
      expired.documents.send(new GetCommand({ TableName: table, Key: keys.published(ids.alice, 'hello') })),
    ).rejects.toMatchObject({ name: 'ExpiredTokenException' });
    expired.destroy();
  });
  it('33. made-up access keys are refused', async () => {
    const made = clientsFor({ accessKeyId: 'ASIAMADEUPKEY0000000', secretAccessKey: 'x', sessionToken: 'y' });
    await expect(
      made.documents.send(new GetCommand({ TableName: table, Key: keys.published(ids.alice, 'hello') })),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    made.destroy();
  });
  it("34. alice's access key with a guessed secret is refused", async () => {
    const real = await cognitoCredentials(tokens.alice);
    const forged = clientsFor({ ...real.credentials, secretAccessKey: 'guessed' });
    await expect(
      forged.documents.send(new GetCommand({ TableName: table, Key: keys.draft(ids.alice, 'secret') })),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    forged.destroy();
  });
  it("35. alice's access key with another session's token is refused", async () => {
    const real = await cognitoCredentials(tokens.alice);
    const other = await cognitoCredentials(tokens.bob);
    const mixed = clientsFor({ ...real.credentials, sessionToken: other.credentials.sessionToken });
    await expect(
      mixed.documents.send(new GetCommand({ TableName: table, Key: keys.draft(ids.alice, 'secret') })),
    ).rejects.toThrow();
    mixed.destroy();
  });
  it('36. a token signed by another key is refused by STS', async () => {
    await expect(assumeWithToken(await forgeToken({}, { foreignKey: true }))).rejects.toMatchObject({
      name: 'InvalidIdentityTokenException',
    });
  });
  it('37. a token for another audience is refused by STS', async () => {
    await expect(assumeWithToken(await forgeToken({ aud: 'someone-elses-app' }))).rejects.toMatchObject({
      name: 'InvalidIdentityTokenException',
      message: expect.stringContaining('audience'),
    });
  });
  it('38. an expired token is refused by STS', async () => {
    await expect(
      assumeWithToken(await forgeToken({ exp: Math.floor(Date.now() / 1000) - 60 })),
    ).rejects.toMatchObject({
      name: 'ExpiredTokenException',
    });
  });
  it('39. an unsigned token (alg none) is refused by STS', async () => {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: stack.oidcIssuer, sub: 'alice', aud: LOCAL_CLIENT_ID, iat: now, exp: now + 600 })}.`;
    await expect(assumeWithToken(token)).rejects.toMatchObject({ name: 'InvalidIdentityTokenException' });
  });
  it('40. a token from an unknown issuer is refused by STS', async () => {
    await expect(assumeWithToken(await forgeToken({ iss: 'https://evil.example' }))).rejects.toMatchObject({
      name: 'InvalidIdentityTokenException',
    });
  });
  it("41. bob gets credentials for alice's Cognito identity with his own token", async () => {
    const client = new CognitoIdentityClient({
      region: 'us-east-1',
      endpoint: stack.gatewayUrl,
      maxAttempts: 1,
    });
    const issuerKey = stack.oidcIssuer.replace(/^https?:\/\//, '');
    await expect(
      client.send(
        new GetCredentialsForIdentityCommand({ IdentityId: ids.alice, Logins: { [issuerKey]: tokens.bob } }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    client.destroy();
  });
  it('42. a forged token is refused by the Cognito identity pool too', async () => {
    const client = new CognitoIdentityClient({
      region: 'us-east-1',
      endpoint: stack.gatewayUrl,
      maxAttempts: 1,
    });
    const issuerKey = stack.oidcIssuer.replace(/^https?:\/\//, '');
    await expect(
      client.send(
        new GetIdCommand({
          IdentityPoolId: stack.identityPoolId,
          Logins: { [issuerKey]: await forgeToken({ sub: 'mallory' }, { foreignKey: true }) },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    client.destroy();
  });
});

describe('the legitimate twins of those attacks are allowed', () => {
  it('alice reads, queries and rewrites her own draft', async () => {
    const { Item } = await alice.documents.send(
      new GetCommand({ TableName: table, Key: keys.draft(ids.alice, 'secret') }),
    );
    expect(Item?.title).toBe('Secret draft');
    const { Items } = await alice.documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.privatePartition(ids.alice) },
      }),
    );
    expect(Items?.length).toBe(1);
    await alice.documents.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.draft(ids.alice, 'secret'),
        UpdateExpression: 'SET title = :t, version = version + :one',
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':t': 'Still secret', ':one': 1, ':v': 1 },
      }),
    );
  });
  it("bob and a guest read alice's published post, and the feed", async () => {
    for (const reader of [bob, guest]) {
      const { Item } = await reader.documents.send(
        new GetCommand({ TableName: table, Key: keys.published(ids.alice, 'hello') }),
      );
      expect(Item?.title).toBe('Hello');
      const feed = await reader.documents.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEX.feed.name,
          KeyConditionExpression: 'GSI1PK = :m',
          ExpressionAttributeValues: { ':m': 'FEED#2026-11' },
        }),
      );
      expect(feed.Items?.map((i) => i.title)).toContain('Hello');
    }
  });
  it('bob batch-writes, transacts and batch-gets his own items', async () => {
    await bob.documents.send(
      new BatchWriteCommand({
        RequestItems: { [table]: [{ PutRequest: { Item: { ...keys.draft(ids.bob, 'a'), title: 'A' } } }] },
      }),
    );
    await bob.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { ...keys.draft(ids.bob, 'b'), title: 'B' } } },
          {
            ConditionCheck: {
              TableName: table,
              Key: keys.draft(ids.bob, 'a'),
              ConditionExpression: 'attribute_exists(PK)',
            },
          },
        ],
      }),
    );
    const got = await bob.documents.send(
      new BatchGetCommand({
        RequestItems: { [table]: { Keys: [keys.draft(ids.bob, 'a'), keys.published(ids.alice, 'hello')] } },
      }),
    );
    expect(got.Responses?.[table]?.length).toBe(2);
  });
  it("bob likes alice's post through the counter attribute only", async () => {
    const result = await bob.documents.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.counters(ids.alice, 'hello'),
        UpdateExpression: 'ADD likes :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    expect(result.Attributes?.likes).toBe(1);
  });
  it('bob writes his own profile with known attributes', async () => {
    await bob.documents.send(
      new PutCommand({ TableName: table, Item: { ...keys.profile(ids.bob), name: 'Bob', bio: 'Hi' } }),
    );
  });
  it('bob uploads, lists and deletes under his own prefix; everyone reads public images', async () => {
    const key = `public/${ids.bob}/dog.png`;
    await bob.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'png', ContentType: 'image/png' }),
    );
    const listed = await bob.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `public/${ids.bob}/` }),
    );
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
    const upload = await bob.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: `public/${ids.bob}/big.bin` }),
    );
    expect(upload.UploadId).toBeTruthy();
    const anonymous = await fetch(
      `${stack.gatewayUrl}/${bucket}/public/${encodeURIComponent(ids.alice)}/cat.png`,
    );
    expect(anonymous.status).toBe(200);
    const asGuest = await guest.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: `public/${ids.alice}/cat.png` }),
    );
    expect(await asGuest.Body?.transformToString()).toBe('png');
    await bob.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  });
  it('a genuine token is accepted by STS, and the credentials work', async () => {
    const credentials = await assumeWithToken(tokens.alice, 900);
    expect(credentials.AccessKeyId).toMatch(/^ASIA/);
    const viaSts = clientsFor({
      accessKeyId: credentials.AccessKeyId!,
      secretAccessKey: credentials.SecretAccessKey!,
      sessionToken: credentials.SessionToken!,
    });
    const { Item } = await viaSts.documents.send(
      new GetCommand({ TableName: table, Key: keys.published(ids.alice, 'hello') }),
    );
    expect(Item?.title).toBe('Hello');
    viaSts.destroy();
  });
});

describe('session policies: guests in the enhanced flow are scoped down, as on AWS', () => {
  it('enhanced-flow guest keys are refused DynamoDB GetItem and Query, and S3 GetObject', async () => {
    const enhanced = clientsFor((await cognitoCredentials()).credentials);
    try {
      await expect(
        enhanced.documents.send(
          new GetCommand({ TableName: table, Key: keys.published(ids.alice, 'hello') }),
        ),
      ).rejects.toMatchObject({
        ...denied,
        message: expect.stringContaining('because no session policy allows the dynamodb:GetItem action'),
      });
      await expect(
        enhanced.documents.send(
          new QueryCommand({
            TableName: table,
            IndexName: INDEX.feed.name,
            KeyConditionExpression: 'GSI1PK = :m',
            ExpressionAttributeValues: { ':m': 'FEED#2026-11' },
          }),
        ),
      ).rejects.toMatchObject(denied);
      await expect(
        enhanced.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `public/${ids.alice}/cat.png` })),
      ).rejects.toMatchObject(s3Denied);
    } finally {
      enhanced.destroy();
    }
  });

  it('basic-flow guest keys (GetOpenIdToken + STS on the reader role) read with GetItem and Query', async () => {
    const basic = await basicFlowCredentials({
      endpoint: stack.gatewayUrl,
      identityPoolId: stack.identityPoolId,
      roleArn: guestRoleArn(),
    });
    const reader = clientsFor(basic.credentials);
    try {
      const { Item } = await reader.documents.send(
        new GetCommand({ TableName: table, Key: keys.published(ids.alice, 'hello') }),
      );
      expect(Item?.title).toBe('Hello');
      const feed = await reader.documents.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEX.feed.name,
          KeyConditionExpression: 'GSI1PK = :m',
          ExpressionAttributeValues: { ':m': 'FEED#2026-11' },
        }),
      );
      expect(feed.Items?.map((i) => i.title)).toContain('Hello');
      // The reader role still writes nothing.
      await expect(
        reader.documents.send(
          new PutCommand({ TableName: table, Item: { ...keys.profile(basic.identityId), name: 'Guest' } }),
        ),
      ).rejects.toMatchObject(denied);
    } finally {
      reader.destroy();
    }
  });

  it("a guest's Cognito token cannot assume the writer role (its trust requires amr authenticated)", async () => {
    const basic = await basicFlowCredentials({
      endpoint: stack.gatewayUrl,
      identityPoolId: stack.identityPoolId,
      roleArn: guestRoleArn(),
    });
    const sts = new STSClient({ region: 'us-east-1', endpoint: stack.gatewayUrl, maxAttempts: 1 });
    await expect(
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: stack.appConfig.providers[0]!.roleArn!,
          RoleSessionName: 'guest-escalation',
          WebIdentityToken: basic.openIdToken,
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    sts.destroy();
  });

  it('an inline session Policy narrows STS keys to the intersection with the role', async () => {
    const sts = new STSClient({ region: 'us-east-1', endpoint: stack.gatewayUrl, maxAttempts: 1 });
    const { Credentials } = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: stack.appConfig.providers[0]!.roleArn!,
        RoleSessionName: 'scoped',
        WebIdentityToken: tokens.alice,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 's3:PutObject'], Resource: '*' }],
        }),
      }),
    );
    sts.destroy();
    const scoped = clientsFor({
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    });
    try {
      const { Item } = await scoped.documents.send(
        new GetCommand({ TableName: table, Key: keys.published(ids.alice, 'hello') }),
      );
      expect(Item?.title).toBe('Hello');
      // Allowed by the role, not by the session policy.
      await expect(
        scoped.documents.send(
          new QueryCommand({
            TableName: table,
            IndexName: INDEX.feed.name,
            KeyConditionExpression: 'GSI1PK = :m',
            ExpressionAttributeValues: { ':m': 'FEED#2026-11' },
          }),
        ),
      ).rejects.toMatchObject({ ...denied, message: expect.stringContaining('session policy') });
      // Allowed by the session policy, not by the role (another user's prefix).
      await expect(
        scoped.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `public/${ids.bob}/x.png`, Body: 'x' })),
      ).rejects.toMatchObject(s3Denied);
    } finally {
      scoped.destroy();
    }
  });

  it('PolicyArns: a modelled managed policy scopes down; an unknown one is refused', async () => {
    const sts = new STSClient({ region: 'us-east-1', endpoint: stack.gatewayUrl, maxAttempts: 1 });
    const assume = (arn: string) =>
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: stack.appConfig.providers[0]!.roleArn!,
          RoleSessionName: 'managed',
          WebIdentityToken: tokens.alice,
          PolicyArns: [{ arn }],
        }),
      );
    await expect(assume('arn:aws:iam::aws:policy/NoSuchPolicy')).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
    });
    const { Credentials } = await assume(
      'arn:aws:iam::aws:policy/AmazonCognitoUnAuthedIdentitiesSessionPolicy',
    );
    sts.destroy();
    const scoped = clientsFor({
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    });
    await expect(
      scoped.documents.send(new GetCommand({ TableName: table, Key: keys.published(ids.alice, 'hello') })),
    ).rejects.toMatchObject(denied);
    scoped.destroy();
  });
});

describe('wildcards in a web-identity subject (issue 15 item 4)', () => {
  const wildcardSubjects = ['*', '?????', 'ali*'];

  it.each(wildcardSubjects)('STS refuses to sign in a subject of %j', async (sub) => {
    await expect(assumeWithToken(await forgeToken({ sub }))).rejects.toMatchObject({
      name: 'InvalidIdentityTokenException',
      message: expect.stringContaining('would read as wildcards'),
    });
  });

  it.each(wildcardSubjects)('Cognito refuses to sign in a subject of %j', async (sub) => {
    const client = new CognitoIdentityClient({ region: 'us-east-1', endpoint: stack.gatewayUrl });
    const issuerKey = stack.oidcIssuer.replace(/^https?:\/\//, '');
    await expect(
      client.send(
        new GetIdCommand({
          IdentityPoolId: stack.identityPoolId,
          Logins: { [issuerKey]: await forgeToken({ sub }) },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: expect.stringContaining('would read as wildcards'),
    });
    client.destroy();
  });

  /**
   * Behind the sign-in check: a session whose subject is a wildcard (as if a provider's sub got through)
   * still matches only its literal prefix, because substituted values are literal in the gateway.
   */
  function stsModeWriter(sub: string) {
    const issuerKey = stack.oidcIssuer.replace(/^https?:\/\//, '');
    const variable = `${issuerKey}:sub`;
    const { writer } = localRoles({
      region: 'us-east-1',
      accountId: LOCAL_ACCOUNT_ID,
      tableName: table,
      bucketName: bucket,
      principalVariable: variable,
    });
    const session = stack.sessions.issue({
      roleArn: writer.arn,
      policy: substitutePolicyVariables(writer.policy, { [variable]: sub }),
      variables: { [variable]: sub },
      durationSeconds: 600,
    });
    return clientsFor({
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken!,
    });
  }

  it.each(wildcardSubjects)('a session with sub %j cannot put or list under public/alice/', async (sub) => {
    const attacker = stsModeWriter(sub);
    try {
      await expect(
        attacker.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'public/alice/owned.png', Body: 'x' })),
      ).rejects.toMatchObject(s3Denied);
      await expect(
        attacker.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'public/alice/' })),
      ).rejects.toMatchObject(s3Denied);
    } finally {
      attacker.destroy();
    }
  });

  it('the legitimate twin: sub alice puts and lists under public/alice/', async () => {
    const owner = stsModeWriter('alice');
    try {
      await owner.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'public/alice/own.png', Body: 'x' }));
      const listed = await owner.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'public/alice/' }),
      );
      expect(listed.Contents?.map((o) => o.Key)).toContain('public/alice/own.png');
      await owner.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'public/alice/own.png' }));
    } finally {
      owner.destroy();
    }
  });
});

describe('SigV4 scoped to the wrong region (issue 15 item 6)', () => {
  it('DynamoDB and S3 refuse a signature for eu-west-1 at the us-east-1 gateway; us-east-1 passes', async () => {
    const { credentials } = await cognitoCredentials(tokens.alice);
    const elsewhere = createAwsClients({
      region: 'eu-west-1',
      endpoint: stack.gatewayUrl,
      credentials,
      maxAttempts: 1,
    });
    try {
      await expect(
        elsewhere.documents.send(
          new GetCommand({ TableName: table, Key: keys.published(ids.alice, 'hello') }),
        ),
      ).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        message: 'Credential should be scoped to a valid region. ',
      });
      await expect(
        elsewhere.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `public/${ids.alice}/cat.png` })),
      ).rejects.toMatchObject({
        name: 'AuthorizationHeaderMalformed',
        message:
          "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
      });
    } finally {
      elsewhere.destroy();
    }
    const here = clientsFor(credentials);
    const { Item } = await here.documents.send(
      new GetCommand({ TableName: table, Key: keys.published(ids.alice, 'hello') }),
    );
    expect(Item?.title).toBe('Hello');
    here.destroy();
  });
});

describe('the bucket policy for signed calls', () => {
  it('grants signed callers what it grants everyone (public/ reads) and nothing else', async () => {
    const session = stack.sessions.issue({
      roleArn: 'arn:aws:iam::000000000000:role/no-s3',
      policy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }],
      },
      variables: {},
      durationSeconds: 600,
    });
    const signed = clientsFor({
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken!,
    });
    try {
      const object = await signed.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: `public/${ids.alice}/cat.png` }),
      );
      expect(await object.Body?.transformToString()).toBe('png');
      await expect(
        signed.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `public/${ids.alice}/x.png`, Body: 'x' })),
      ).rejects.toMatchObject(s3Denied);
      await expect(
        signed.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'private/x' })),
      ).rejects.toMatchObject(s3Denied);
    } finally {
      signed.destroy();
    }
  });
});

/**
 * Comments and authorship: what IAM refuses, and what IAM allows (a writer's own partition, any
 * value in a counter) that readers then refuse to believe (issue 15, 1 to 3).
 */
describe('comments, likes, counters and who wrote what', () => {
  const post = { authorId: '', slug: 'hello' };
  const carolsId = 'us-east-1:00000000-0000-4000-8000-00000000ca01';
  const comment = () => ({ commenterId: ids.alice, id: 'alicecomment01' });

  beforeAll(() => {
    post.authorId = ids.alice;
  });

  it("refused: bob's like whose marker is in alice's partition, even inside a transaction", async () => {
    const marker = { ...reactionItem(ids.bob, post, comment(), 'now'), PK: keys.publicPartition(ids.alice) };
    await expect(
      bob.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: marker } },
            {
              Update: {
                TableName: table,
                Key: keys.commentCounters(ids.alice, 'alicecomment01'),
                UpdateExpression: 'ADD likes :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject(denied);
  });

  it("refused: bob's hide marker in alice's partition, in a transaction with his own like", async () => {
    await expect(
      bob.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: reactionItem(ids.bob, post, comment(), 'now') } },
            { Put: { TableName: table, Item: hideMarkerItem(post, comment(), 'now') } },
          ],
        }),
      ),
    ).rejects.toMatchObject(denied);
  });

  it("allowed twin: bob's like, his marker and alice's comment counter in one transaction", async () => {
    await bob.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: reactionItem(ids.bob, post, comment(), 'now') } },
          {
            Update: {
              TableName: table,
              Key: keys.commentCounters(ids.alice, 'alicecomment01'),
              UpdateExpression: 'ADD likes :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
        ],
        ClientRequestToken: 'security-suite-like-1',
      }),
    );
  });

  it('allowed by IAM, disbelieved by readers: bob publishes into his own partition as alice', async () => {
    const now = new Date().toISOString();
    const forged = {
      authorId: ids.alice,
      authorName: 'Alice Archer',
      slug: 'by-alice-honest',
      title: 'By Alice, honest',
      body: 'Not by Alice.',
      excerpt: '',
      tags: [],
      status: 'published' as const,
      version: 1,
      createdAt: now,
      updatedAt: now,
      publishedAt: now,
    };
    await bob.documents.send(
      new PutCommand({
        TableName: table,
        Item: { ...publishedItem(forged), ...keys.published(ids.bob, forged.slug) },
      }),
    );
    const { posts } = await listFeed(guest.documents, table, { limit: 50 });
    const shown = posts.find((summary) => summary.title === 'By Alice, honest');
    expect(shown).toMatchObject({ authorId: ids.bob, authorName: '', slug: 'by-alice-honest' });
  });

  it('allowed by IAM, harmless: a counter SET to a string, then an honest comment is stored and reported once', async () => {
    const target = { authorId: ids.alice, slug: 'string-counter' };
    await bob.documents.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.counters(ids.alice, target.slug),
        UpdateExpression: 'SET likes = :s, comments = :s',
        ExpressionAttributeValues: { ':s': 'x' },
      }),
    );
    const store = { documents: bob.documents, tableName: table };
    const posted = await postComment(store, {
      post: target,
      commenterId: ids.bob,
      commenterName: 'Bob',
      body: 'Still here.',
    });
    const listed = await listComments({ documents: guest.documents, tableName: table }, target);
    expect(listed.comments.map((c) => [c.commenterId, c.body])).toEqual([[ids.bob, 'Still here.']]);
    expect(posted.body).toBe('Still here.');
  });

  it('allowed by IAM, harmless: bob reuses a comment id of someone else’s in his own partition', async () => {
    const target = { authorId: ids.alice, slug: 'reused-ids' };
    const now = Date.now();
    const write = (who: AwsClients, commenterId: string, body: string, at: number) =>
      who.documents.send(
        new PutCommand({
          TableName: table,
          Item: commentItem({
            post: target,
            commenterId,
            commenterName: body,
            body,
            createdAt: new Date(at).toISOString(),
            commentId: 'samecomment01',
          }),
        }),
      );
    await write(alice, ids.alice, 'Alice first.', now);
    await write(bob, ids.bob, 'Bob later, same id.', now + 1000);
    // Bob cannot write as anyone else, whatever the id.
    await expect(write(bob, carolsId, 'As carol.', now + 2000)).rejects.toMatchObject(denied);
    const listed = await listComments({ documents: guest.documents, tableName: table }, target);
    expect(buildThreads(listed).map((thread) => thread.comment?.body)).toEqual([
      'Alice first.',
      'Bob later, same id.',
    ]);
  });
});
