import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentity } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { RefreshingCredentials } from '../refreshing-credentials.ts';
import { CannedHttpHandler, dynamoError } from '../testing/canned-http.ts';
import { getExpiredCredentialsRetryPlugin, isExpiredCredentialsError } from './expired-credentials-retry.ts';

function keySource() {
  let issued = 0;
  const source = async (): Promise<AwsCredentialIdentity> => {
    issued++;
    return {
      accessKeyId: `ASIAKEY${issued}`,
      secretAccessKey: `secret-${issued}`,
      sessionToken: `token-${issued}`,
      expiration: new Date(Date.now() + 3600_000),
    };
  };
  return source;
}

function clientWith(handler: CannedHttpHandler, credentials: RefreshingCredentials) {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://dynamodb.test',
    credentials: credentials.provider,
    requestHandler: handler,
  });
  client.middlewareStack.use(getExpiredCredentialsRetryPlugin(credentials));
  return client;
}

const expired = dynamoError('ExpiredTokenException', 'The security token included in the request is expired');

describe('expired credentials retry', () => {
  it('retries once with new keys, and the retry is signed with the new access key', async () => {
    const handler = new CannedHttpHandler([expired, { status: 200, body: { Item: { pk: { S: 'a' } } } }]);
    const credentials = new RefreshingCredentials({ source: keySource() });
    const client = clientWith(handler, credentials);

    const output = await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }));

    expect(output.Item).toEqual({ pk: { S: 'a' } });
    expect(handler.requests).toHaveLength(2);
    const [first, second] = handler.requests.map((request) => ({
      key: CannedHttpHandler.accessKeyOf(request),
      token: request.headers['x-amz-security-token'],
      signature: /Signature=(\w+)/.exec(request.headers.authorization ?? '')?.[1],
    }));
    expect(first).toMatchObject({ key: 'ASIAKEY1', token: 'token-1' });
    expect(second).toMatchObject({ key: 'ASIAKEY2', token: 'token-2' });
    expect(second?.signature).not.toEqual(first?.signature);
    expect(credentials.refreshCount).toBe(2);
  });

  it('works through the document client (the same stack, the original input re-marshalled)', async () => {
    const handler = new CannedHttpHandler([
      expired,
      { status: 200, body: { Item: { pk: { S: 'a' }, n: { N: '1' } } } },
    ]);
    const credentials = new RefreshingCredentials({ source: keySource() });
    const documents = DynamoDBDocumentClient.from(clientWith(handler, credentials));

    const output = await documents.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }));

    expect(output.Item).toEqual({ pk: 'a', n: 1 });
    const bodies = handler.requests.map(
      (request) => JSON.parse(CannedHttpHandler.bodyOf(request)) as unknown,
    );
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[1]).toMatchObject({ Key: { pk: { S: 'a' } } });
    expect(handler.requests.map(CannedHttpHandler.accessKeyOf)).toEqual(['ASIAKEY1', 'ASIAKEY2']);
  });

  it('needs a provider the SDK does not cache again: a plain one would re-sign with the rejected key', async () => {
    const handler = new CannedHttpHandler([expired, expired]);
    const credentials = new RefreshingCredentials({ source: keySource() });
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://dynamodb.test',
      // Not marked memoized: the SDK wraps it in its own cache, which invalidate() cannot reach.
      credentials: () => credentials.get(),
      requestHandler: handler,
    });
    client.middlewareStack.use(getExpiredCredentialsRetryPlugin(credentials));

    await expect(
      client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })),
    ).rejects.toThrow();
    expect(handler.requests.map(CannedHttpHandler.accessKeyOf)).toEqual(['ASIAKEY1', 'ASIAKEY1']);
  });

  it('retries only once: a second rejection reaches the caller', async () => {
    const handler = new CannedHttpHandler([expired, expired]);
    const credentials = new RefreshingCredentials({ source: keySource() });
    const client = clientWith(handler, credentials);

    await expect(
      client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })),
    ).rejects.toMatchObject({
      name: 'ExpiredTokenException',
    });
    expect(handler.requests).toHaveLength(2);
  });

  it('does not retry other errors', async () => {
    const handler = new CannedHttpHandler([dynamoError('AccessDeniedException', 'not allowed')]);
    const credentials = new RefreshingCredentials({ source: keySource() });
    const client = clientWith(handler, credentials);

    await expect(
      client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(handler.requests).toHaveLength(1);
    expect(credentials.refreshCount).toBe(1);
  });

  it('recognises the expired and unknown-key errors of DynamoDB, S3 and STS', () => {
    const error = (name: string, message = '') =>
      Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
    expect(isExpiredCredentialsError(error('ExpiredTokenException'))).toBe(true);
    expect(isExpiredCredentialsError(error('ExpiredToken'))).toBe(true);
    expect(isExpiredCredentialsError(error('UnrecognizedClientException'))).toBe(true);
    expect(isExpiredCredentialsError(error('InvalidSignatureException', 'Signature expired: 2026...'))).toBe(
      true,
    );
    expect(
      isExpiredCredentialsError(
        error('SomethingElse', 'The security token included in the request is expired'),
      ),
    ).toBe(true);
    expect(
      isExpiredCredentialsError(
        error('InvalidSignatureException', 'The request signature we calculated does not match'),
      ),
    ).toBe(false);
    expect(isExpiredCredentialsError(error('ConditionalCheckFailedException'))).toBe(false);
  });
});
