import { connect } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionStore } from '../sessions.ts';
import { type Gateway, startGateway } from './server.ts';
import { TableSchemaCache } from './table-schemas.ts';

describe('a client that aborts its upload', () => {
  let gateway: Gateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    vi.restoreAllMocks();
  });

  it('is logged as one quiet line, not an internal error with a stack trace', async () => {
    const lines: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args));
    gateway = await startGateway({
      port: 0,
      region: 'us-east-1',
      accountId: '000000000000',
      dynamoDbUrl: 'http://127.0.0.1:9',
      s3Url: 'http://127.0.0.1:9',
      sessions: new SessionStore(),
      anonymousPolicy: { Version: '2012-10-17', Statement: [] },
      schemas: new TableSchemaCache(
        new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }),
      ),
      allowedOrigins: () => [],
      sts: async () => ({ status: 500, headers: {}, body: Buffer.alloc(0) }),
      cognito: async () => ({ status: 500, headers: {}, body: Buffer.alloc(0) }),
    });
    // Half a body, then the connection drops: what a browser does when an upload is cancelled.
    await new Promise<void>((resolve) => {
      const socket = connect(gateway!.port, '127.0.0.1', () => {
        socket.write(
          'PUT /inkwell-assets/public/someone/assets/big.png?partNumber=1&uploadId=x HTTP/1.1\r\n' +
            'Host: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n' +
            'x'.repeat(1000),
          () => {
            socket.destroy();
            resolve();
          },
        );
      });
    });
    await vi.waitFor(() => expect(lines.length).toBeGreaterThan(0));
    expect(lines).toEqual([['[gateway] client aborted PUT /inkwell-assets/public/someone/assets/big.png']]);
  });
});
