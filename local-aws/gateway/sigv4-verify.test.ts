import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import type { Session } from '../sessions.ts';
import { type GatewayRequest, requireRegion, verifySigV4 } from './sigv4-verify.ts';

const ENDPOINT = 'http://127.0.0.1:4566';
const HOST = '127.0.0.1:4566';
const REGION = 'us-east-1';

function makeSession(overrides: Partial<Session> = {}): Session {
  return {
    accessKeyId: 'ASIATESTKEY0000001',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN+/=',
    expiration: new Date(Date.now() + 3600_000),
    roleArn: 'arn:aws:iam::000000000000:role/inkwell-writer',
    policy: { Version: '2012-10-17', Statement: [] },
    variables: {},
    ...overrides,
  };
}

const session = makeSession();
const credentials = {
  accessKeyId: session.accessKeyId,
  secretAccessKey: session.secretAccessKey,
  sessionToken: session.sessionToken,
};
const lookupIn =
  (...sessions: Session[]) =>
  (key: string) =>
    sessions.find((s) => s.accessKeyId === key);
const lookup = lookupIn(session);

/** RFC 3986 escaping, as the SDK's HTTP handler writes a query string on the wire. */
const escapeRfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The parts of a signed request that reach the wire (smithy's HttpRequest, structurally). */
interface SignedRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** What the gateway would receive for a request the SDK hands to its HTTP handler. */
function onTheWire(request: SignedRequest): GatewayRequest {
  const query = Object.entries(request.query ?? {})
    .flatMap(([name, value]) =>
      value === null
        ? [escapeRfc3986(name)]
        : (Array.isArray(value) ? value : [value]).map((v) => `${escapeRfc3986(name)}=${escapeRfc3986(v)}`),
    )
    .join('&');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const body: unknown = request.body;
  return {
    method: request.method,
    path: request.path,
    query,
    headers,
    body:
      typeof body === 'string'
        ? new TextEncoder().encode(body)
        : body instanceof Uint8Array
          ? body
          : new Uint8Array(),
  };
}

/** Runs a real SDK client call and captures the signed request instead of sending it. */
async function captureSdkRequest(
  send: (requestHandler: CapturingHandler) => Promise<unknown>,
): Promise<GatewayRequest> {
  const handler = new CapturingHandler();
  await send(handler).catch((error: unknown) => {
    if (!(error instanceof Error) || error.message !== 'captured') throw error;
  });
  if (handler.request === undefined) throw new Error('the client sent nothing');
  return onTheWire(handler.request);
}

class CapturingHandler {
  request: HttpRequest | undefined;
  async handle(request: HttpRequest): Promise<never> {
    this.request = request;
    throw new Error('captured');
  }
  updateHttpClientConfig(): void {}
  httpHandlerConfigs() {
    return {};
  }
}

const dynamoPutItem = (requestHandler: CapturingHandler) =>
  new DynamoDBClient({
    region: REGION,
    endpoint: ENDPOINT,
    credentials,
    requestHandler,
    maxAttempts: 1,
  }).send(
    new PutItemCommand({
      TableName: 'inkwell',
      Item: { PK: { S: 'U#us-east-1:alice' }, SK: { S: 'PROFILE' } },
    }),
  );

const s3Client = (requestHandler: CapturingHandler) =>
  new S3Client({
    region: REGION,
    endpoint: ENDPOINT,
    forcePathStyle: true,
    credentials,
    requestHandler,
    maxAttempts: 1,
  });

const s3PutObject = (requestHandler: CapturingHandler) =>
  s3Client(requestHandler).send(
    new PutObjectCommand({
      Bucket: 'inkwell-assets',
      Key: 'public/us-east-1:alice/a b+c(1).png',
      Body: 'png bytes',
    }),
  );

const s3List = (requestHandler: CapturingHandler) =>
  s3Client(requestHandler).send(
    new ListObjectsV2Command({ Bucket: 'inkwell-assets', Prefix: 'public/us-east-1:alice/' }),
  );

describe('verifySigV4 with requests signed by the real SDK clients', () => {
  it('verifies a DynamoDB PutItem (host with port, JSON body, session token)', async () => {
    const request = await captureSdkRequest(dynamoPutItem);
    expect(request.headers.host).toBe(HOST);
    await expect(verifySigV4(request, lookup)).resolves.toEqual({
      kind: 'signed',
      session,
      service: 'dynamodb',
      region: REGION,
      presigned: false,
    });
  });

  it('verifies S3 requests: an escaped object key, a listing query, a DeleteObjects body', async () => {
    const put = await captureSdkRequest(s3PutObject);
    expect(put.path).toBe('/inkwell-assets/public/us-east-1%3Aalice/a%20b%2Bc%281%29.png');
    await expect(verifySigV4(put, lookup)).resolves.toMatchObject({ kind: 'signed', service: 's3' });
    await expect(verifySigV4(await captureSdkRequest(s3List), lookup)).resolves.toMatchObject({
      kind: 'signed',
    });
    const deleteObjects = await captureSdkRequest((h) =>
      s3Client(h).send(
        new DeleteObjectsCommand({ Bucket: 'inkwell-assets', Delete: { Objects: [{ Key: 'a&b' }] } }),
      ),
    );
    await expect(verifySigV4(deleteObjects, lookup)).resolves.toMatchObject({ kind: 'signed' });
  });

  it('accepts the query as URLSearchParams as well as a raw string', async () => {
    const request = await captureSdkRequest(s3List);
    const parsed = { ...request, query: new URLSearchParams(request.query as string) };
    await expect(verifySigV4(parsed, lookup)).resolves.toMatchObject({ kind: 'signed' });
  });

  it('treats a request without any SigV4 as anonymous', async () => {
    const request = await captureSdkRequest(s3List);
    const { authorization: _, ...unsigned } = request.headers;
    await expect(verifySigV4({ ...request, headers: unsigned }, lookup)).resolves.toEqual({
      kind: 'anonymous',
    });
  });
});

describe('requireRegion: a credential scope for another region is refused as AWS does', () => {
  const inRegion = (region: string, requestHandler: CapturingHandler) =>
    new DynamoDBClient({ region, endpoint: ENDPOINT, credentials, requestHandler, maxAttempts: 1 }).send(
      new PutItemCommand({ TableName: 'inkwell', Item: { PK: { S: 'U#x' }, SK: { S: 'PROFILE' } } }),
    );
  const s3InRegion = (region: string, requestHandler: CapturingHandler) =>
    new S3Client({
      region,
      endpoint: ENDPOINT,
      forcePathStyle: true,
      credentials,
      requestHandler,
      maxAttempts: 1,
    }).send(new PutObjectCommand({ Bucket: 'inkwell-assets', Key: 'public/x.png', Body: 'x' }));

  it('DynamoDB: InvalidSignatureException; the right region passes', async () => {
    const caller = await verifySigV4(await captureSdkRequest((h) => inRegion('eu-west-1', h)), lookup);
    expect(() => requireRegion(caller, REGION)).toThrow(
      expect.objectContaining({
        code: 'InvalidSignatureException',
        message: 'Credential should be scoped to a valid region. ',
        httpStatus: 400,
      }),
    );
    const right = await verifySigV4(await captureSdkRequest((h) => inRegion(REGION, h)), lookup);
    expect(() => requireRegion(right, REGION)).not.toThrow();
  });

  it('S3: AuthorizationHeaderMalformed naming both regions; presigned: AuthorizationQueryParametersError', async () => {
    const caller = await verifySigV4(await captureSdkRequest((h) => s3InRegion('eu-west-1', h)), lookup);
    expect(() => requireRegion(caller, REGION)).toThrow(
      expect.objectContaining({
        code: 'AuthorizationHeaderMalformed',
        message:
          "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
      }),
    );
    if (caller.kind !== 'signed') throw new Error('expected a signed caller');
    expect(() => requireRegion({ ...caller, presigned: true }, REGION)).toThrow(
      expect.objectContaining({ code: 'AuthorizationQueryParametersError' }),
    );
    expect(() => requireRegion({ kind: 'anonymous' }, REGION)).not.toThrow();
  });
});

describe('verifySigV4 rejects tampering', () => {
  it('a changed body, even with the signed headers intact', async () => {
    const request = await captureSdkRequest(dynamoPutItem);
    const body = new TextEncoder().encode(new TextDecoder().decode(request.body).replace('alice', 'bob'));
    await expect(verifySigV4({ ...request, body }, lookup)).rejects.toMatchObject({
      code: 'InvalidSignatureException',
      httpStatus: 400,
    });
  });

  it('a changed body together with a recomputed x-amz-content-sha256', async () => {
    const request = await captureSdkRequest(s3PutObject);
    const body = new TextEncoder().encode('evil bytes');
    const { createHash } = await import('node:crypto');
    const headers = {
      ...request.headers,
      'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
    };
    await expect(verifySigV4({ ...request, body, headers }, lookup)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      httpStatus: 403,
    });
  });

  it('a changed signed header', async () => {
    const request = await captureSdkRequest(dynamoPutItem);
    const headers = { ...request.headers, 'x-amz-target': 'DynamoDB_20120810.DeleteItem' };
    await expect(verifySigV4({ ...request, headers }, lookup)).rejects.toMatchObject({
      code: 'InvalidSignatureException',
    });
  });

  it('another port in the host header', async () => {
    const request = await captureSdkRequest(dynamoPutItem);
    const headers = { ...request.headers, host: '127.0.0.1:4567' };
    await expect(verifySigV4({ ...request, headers }, lookup)).rejects.toMatchObject({
      code: 'InvalidSignatureException',
    });
  });

  it('a changed path', async () => {
    const request = await captureSdkRequest(s3PutObject);
    const path = request.path.replace('alice', 'bob');
    await expect(verifySigV4({ ...request, path }, lookup)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      httpStatus: 403,
      details: { CanonicalRequest: expect.stringContaining('/inkwell-assets/public/us-east-1%3Abob/') },
    });
  });

  it('a changed query parameter', async () => {
    const request = await captureSdkRequest(s3List);
    const query = (request.query as string).replace('alice', 'bob');
    await expect(verifySigV4({ ...request, query }, lookup)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });

  it('an x-amz-* header added to an S3 request without being signed', async () => {
    const request = await captureSdkRequest(s3PutObject);
    const headers = { ...request.headers, 'x-amz-acl': 'public-read' };
    await expect(verifySigV4({ ...request, headers }, lookup)).rejects.toMatchObject({
      code: 'AccessDenied',
      details: { HeadersNotSigned: 'x-amz-acl' },
    });
  });
});

describe('verifySigV4 checks the credentials', () => {
  it('rejects a signature made with another secret', async () => {
    const request = await captureSdkRequest(dynamoPutItem);
    const impostor = makeSession({ secretAccessKey: 'not-the-secret' });
    await expect(verifySigV4(request, lookupIn(impostor))).rejects.toMatchObject({
      code: 'InvalidSignatureException',
    });
  });

  it('rejects an unknown access key, in each service dialect', async () => {
    const nobody = () => undefined;
    await expect(verifySigV4(await captureSdkRequest(dynamoPutItem), nobody)).rejects.toMatchObject({
      code: 'UnrecognizedClientException',
      httpStatus: 400,
    });
    await expect(verifySigV4(await captureSdkRequest(s3PutObject), nobody)).rejects.toMatchObject({
      code: 'InvalidAccessKeyId',
      httpStatus: 403,
      details: { AWSAccessKeyId: session.accessKeyId },
    });
  });

  it('rejects a temporary key without its session token', async () => {
    const request = await captureSdkRequest(dynamoPutItem);
    const { 'x-amz-security-token': _, ...headers } = request.headers;
    await expect(verifySigV4({ ...request, headers }, lookup)).rejects.toMatchObject({
      code: 'UnrecognizedClientException',
    });
  });

  it("rejects another session's token", async () => {
    const request = await captureSdkRequest(s3PutObject);
    const headers = { ...request.headers, 'x-amz-security-token': 'someone-elses-token' };
    await expect(verifySigV4({ ...request, headers }, lookup)).rejects.toMatchObject({
      code: 'InvalidToken',
      httpStatus: 400,
    });
  });

  it('rejects an expired session', async () => {
    const expired = makeSession({ expiration: new Date(Date.now() - 1000) });
    await expect(
      verifySigV4(await captureSdkRequest(dynamoPutItem), lookupIn(expired)),
    ).rejects.toMatchObject({
      code: 'ExpiredTokenException',
      httpStatus: 400,
    });
    await expect(verifySigV4(await captureSdkRequest(s3PutObject), lookupIn(expired))).rejects.toMatchObject({
      code: 'ExpiredToken',
      httpStatus: 400,
    });
  });

  it('accepts a long-lived key that has no session token', async () => {
    const admin = makeSession({
      accessKeyId: 'AKIAADMIN000000001',
      sessionToken: undefined,
      expiration: undefined,
    });
    const request = await captureSdkRequest((requestHandler) =>
      new DynamoDBClient({
        region: REGION,
        endpoint: ENDPOINT,
        credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey },
        requestHandler,
        maxAttempts: 1,
      }).send(new PutItemCommand({ TableName: 'inkwell', Item: { PK: { S: 'x' } } })),
    );
    await expect(verifySigV4(request, lookupIn(admin))).resolves.toMatchObject({
      kind: 'signed',
      session: admin,
    });
  });
});

describe('verifySigV4 with requests signed by SignatureV4 directly', () => {
  const NOW = new Date('2026-11-26T12:00:00Z');
  const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
  const signer = (service: string) =>
    new SignatureV4({
      service,
      region: REGION,
      credentials,
      sha256: Sha256,
      uriEscapePath: service !== 's3',
    });

  it('verifies a non-S3 path that SigV4 double-encodes, and an S3 path it does not', async () => {
    const base = { hostname: '127.0.0.1', port: 4566, headers: { host: HOST }, method: 'GET' };
    const json = await signer('dynamodb').sign(new HttpRequest({ ...base, path: '/a%20b/c%3Ad' }), {
      signingDate: NOW,
    });
    await expect(verifySigV4(onTheWire(json), lookupIn(makeSessionValid(NOW)), NOW)).resolves.toMatchObject({
      service: 'dynamodb',
    });
    const s3 = await signer('s3').sign(new HttpRequest({ ...base, path: '/inkwell-assets/a%20b/c%3Ad' }), {
      signingDate: NOW,
    });
    await expect(verifySigV4(onTheWire(s3), lookupIn(makeSessionValid(NOW)), NOW)).resolves.toMatchObject({
      service: 's3',
    });
  });

  it('refuses a request signed more than 15 minutes away from now, as each service words it', async () => {
    const request = new HttpRequest({
      method: 'POST',
      hostname: '127.0.0.1',
      port: 4566,
      path: '/',
      headers: { host: HOST, 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      body: '{}',
    });
    const old = onTheWire(await signer('dynamodb').sign(request, { signingDate: minutes(-16) }));
    await expect(verifySigV4(old, lookupIn(makeSessionValid(NOW)), NOW)).rejects.toMatchObject({
      code: 'InvalidSignatureException',
      message: expect.stringMatching(
        /^Signature expired: 20261126T114400Z is now earlier than 20261126T114500Z/,
      ),
    });
    const early = onTheWire(await signer('dynamodb').sign(request, { signingDate: minutes(16) }));
    await expect(verifySigV4(early, lookupIn(makeSessionValid(NOW)), NOW)).rejects.toMatchObject({
      message: expect.stringMatching(/^Signature not yet current/),
    });
    const recent = onTheWire(await signer('dynamodb').sign(request, { signingDate: minutes(-14) }));
    await expect(verifySigV4(recent, lookupIn(makeSessionValid(NOW)), NOW)).resolves.toMatchObject({
      kind: 'signed',
    });

    const s3 = new HttpRequest({
      method: 'GET',
      hostname: '127.0.0.1',
      port: 4566,
      path: '/b/k',
      headers: { host: HOST },
    });
    const skewed = onTheWire(await signer('s3').sign(s3, { signingDate: minutes(-20) }));
    await expect(verifySigV4(skewed, lookupIn(makeSessionValid(NOW)), NOW)).rejects.toMatchObject({
      code: 'RequestTimeTooSkewed',
      httpStatus: 403,
    });
  });

  it('requires x-amz-content-sha256 on header-signed S3 requests', async () => {
    const s3 = new HttpRequest({
      method: 'GET',
      hostname: '127.0.0.1',
      port: 4566,
      path: '/b/k',
      headers: { host: HOST },
    });
    const signed = await new SignatureV4({
      service: 's3',
      region: REGION,
      credentials,
      sha256: Sha256,
      uriEscapePath: false,
      applyChecksum: false,
    }).sign(s3, { signingDate: NOW });
    await expect(verifySigV4(onTheWire(signed), lookupIn(makeSessionValid(NOW)), NOW)).rejects.toMatchObject({
      code: 'InvalidRequest',
    });
  });

  it('reports malformed authorization the way each service does', async () => {
    const request = await captureSdkRequest(dynamoPutItem);
    const authorization = (request.headers.authorization ?? '').replace(/, Signature=.*$/, '');
    await expect(
      verifySigV4({ ...request, headers: { ...request.headers, authorization } }, lookup),
    ).rejects.toMatchObject({ code: 'IncompleteSignatureException' });
    const s3 = await captureSdkRequest(s3List);
    await expect(
      verifySigV4({ ...s3, headers: { ...s3.headers, authorization: 'AWS AKID:c2lnbmF0dXJl' } }, lookup),
    ).rejects.toMatchObject({ code: 'InvalidRequest' });
    await expect(
      verifySigV4({ ...s3, query: `${s3.query}&X-Amz-Signature=abc` }, lookup),
    ).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  describe('presigned URLs', () => {
    /** Presigns the way @aws-sdk/s3-request-presigner does: an unsigned payload, the host with its port. */
    async function presign(path: string, signingDate: Date, expiresIn: number, withToken = true) {
      const request = new HttpRequest({
        method: 'GET',
        hostname: '127.0.0.1',
        port: 4566,
        path,
        query: { 'x-id': 'GetObject' },
        headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      });
      const presigner = new SignatureV4({
        service: 's3',
        region: REGION,
        credentials: withToken ? credentials : { ...credentials, sessionToken: undefined },
        sha256: Sha256,
        uriEscapePath: false,
      });
      const presigned = await presigner.presign(request, { signingDate, expiresIn });
      // The browser sends only what is left in the headers; hoisted x-amz-* travel in the URL.
      return onTheWire(presigned);
    }
    const path = '/inkwell-assets/public/us-east-1%3Aalice/x.png';

    it('verifies within X-Amz-Expires and refuses after', async () => {
      const url = await presign(path, minutes(-1), 300);
      expect(url.query).toMatch(/X-Amz-Signature=/);
      expect(url.query).toMatch(/X-Amz-Security-Token=/);
      const live = lookupIn(makeSessionValid(NOW));
      await expect(verifySigV4(url, live, NOW)).resolves.toMatchObject({ kind: 'signed', service: 's3' });
      await expect(verifySigV4(url, live, minutes(5))).rejects.toMatchObject({
        code: 'AccessDenied',
        message: 'Request has expired',
        httpStatus: 403,
      });
    });

    it('refuses a URL whose expiry was stretched or whose key was changed', async () => {
      const url = await presign(path, NOW, 60);
      const live = lookupIn(makeSessionValid(NOW));
      const stretched = {
        ...url,
        query: (url.query as string).replace('X-Amz-Expires=60', 'X-Amz-Expires=6000'),
      };
      await expect(verifySigV4(stretched, live, minutes(10))).rejects.toMatchObject({
        code: 'SignatureDoesNotMatch',
      });
      await expect(
        verifySigV4({ ...url, path: path.replace('x.png', 'y.png') }, live, NOW),
      ).rejects.toMatchObject({
        code: 'SignatureDoesNotMatch',
      });
    });

    it('refuses a temporary key presigned without its token, and expiry beyond a week', async () => {
      const live = lookupIn(makeSessionValid(NOW));
      await expect(verifySigV4(await presign(path, NOW, 60, false), live, NOW)).rejects.toMatchObject({
        code: 'InvalidAccessKeyId',
      });
      const url = await presign(path, NOW, 60);
      const tooLong = {
        ...url,
        query: (url.query as string).replace('X-Amz-Expires=60', 'X-Amz-Expires=604801'),
      };
      await expect(verifySigV4(tooLong, live, NOW)).rejects.toMatchObject({
        code: 'AuthorizationQueryParametersError',
      });
    });
  });
});

/** The shared session, valid around a fixed test clock rather than the real one. */
function makeSessionValid(now: Date): Session {
  return { ...session, expiration: new Date(now.getTime() + 3600_000) };
}

/** SHA-256 for the test signer, independent of the verifier's own implementation. */
class Sha256 {
  readonly #chunks: Uint8Array[] = [];
  readonly #secret: Uint8Array<ArrayBuffer> | undefined;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#secret =
      secret === undefined
        ? undefined
        : typeof secret === 'string'
          ? new TextEncoder().encode(secret)
          : ArrayBuffer.isView(secret)
            ? new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength).slice()
            : new Uint8Array(secret).slice();
  }
  update(data: Uint8Array | string): void {
    this.#chunks.push(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }
  async digest(): Promise<Uint8Array> {
    const data = new Uint8Array(this.#chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const chunk of this.#chunks) {
      data.set(chunk, offset);
      offset += chunk.length;
    }
    const subtle = globalThis.crypto.subtle;
    if (this.#secret === undefined) return new Uint8Array(await subtle.digest('SHA-256', data));
    const key = await subtle.importKey('raw', this.#secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    return new Uint8Array(await subtle.sign('HMAC', key, data));
  }
  reset(): void {
    this.#chunks.length = 0;
  }
}
