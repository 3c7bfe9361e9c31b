import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { LOCAL_ADMIN_CREDENTIALS } from '../local-aws/admin.ts';
import { createAwsClients } from '../src/aws/client-factory.ts';
import { expect, test } from './support/fixtures.ts';

let otherOrigin: Server;
let otherOriginUrl: string;

test.beforeAll(async () => {
  // A page on an origin the bucket's CORS rules do not list.
  otherOrigin = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>elsewhere</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => otherOrigin.listen(0, '127.0.0.1', resolve));
  otherOriginUrl = `http://127.0.0.1:${(otherOrigin.address() as AddressInfo).port}`;
});

test.afterAll(() => otherOrigin.close());

async function presignedPut(
  stack: { config: { region: string; bucketName: string }; gatewayUrl: string },
  key: string,
) {
  const admin = createAwsClients({
    region: stack.config.region,
    endpoint: stack.gatewayUrl,
    credentials: LOCAL_ADMIN_CREDENTIALS,
  });
  const url = await getSignedUrl(
    await admin.s3.client(),
    new PutObjectCommand({ Bucket: stack.config.bucketName, Key: key, ContentType: 'text/plain' }),
    { expiresIn: 300 },
  );
  return { url, admin };
}

test('the app origin uploads straight to the bucket; another origin is refused at preflight', async ({
  page,
  stack,
}) => {
  const key = `public/e2e-cors/${Date.now()}.txt`;
  const { url, admin } = await presignedPut(stack, key);

  await page.goto(stack.appUrl);
  const fromApp = await page.evaluate(async (target) => {
    const response = await fetch(target, {
      method: 'PUT',
      body: 'hello from the app',
      headers: { 'content-type': 'text/plain' },
    });
    return { status: response.status, etag: response.headers.get('etag') };
  }, url);
  expect(fromApp.status).toBe(200);
  expect(fromApp.etag).toBeTruthy();
  const stored = await admin.s3.send(new GetObjectCommand({ Bucket: stack.config.bucketName, Key: key }));
  expect(await stored.Body?.transformToString()).toBe('hello from the app');

  const refusedKey = `public/e2e-cors/${Date.now()}-refused.txt`;
  const second = await presignedPut(stack, refusedKey);
  await page.goto(otherOriginUrl);
  const fromElsewhere = await page.evaluate(async (target) => {
    try {
      await fetch(target, {
        method: 'PUT',
        body: 'hello from elsewhere',
        headers: { 'content-type': 'text/plain' },
      });
      return 'sent';
    } catch (error) {
      return `blocked: ${(error as Error).name}`;
    }
  }, second.url);
  expect(fromElsewhere).toBe('blocked: TypeError');
  await expect(
    admin.s3.send(new GetObjectCommand({ Bucket: stack.config.bucketName, Key: refusedKey })),
  ).rejects.toThrow();

  // The preflight itself, as the browser sends it: refused for the other origin, allowed for the app's.
  const preflight = (origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
  expect((await preflight(otherOriginUrl)).status).toBe(403);
  const allowed = await preflight(stack.appUrl);
  expect(allowed.status).toBe(200);
  expect(allowed.headers.get('access-control-allow-origin')).toBe(stack.appUrl);
  admin.destroy();
  second.admin.destroy();
});
