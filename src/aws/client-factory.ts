import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { ClientPlugin } from './plugins/client-plugin.ts';

export interface AwsClientSettings {
  region: string;
  /** The local gateway; omitted on AWS. */
  endpoint?: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Applied to every client this factory makes: the app's "global hooks". */
  plugins?: ClientPlugin[];
  maxAttempts?: number;
}

export interface AwsClients {
  dynamodb: DynamoDBClient;
  /** The same DynamoDB client with native JS values instead of attribute-value maps. */
  documents: DynamoDBDocumentClient;
  /**
   * S3, loaded on first use: readers never download the S3 client (about 40 KB gzip), writers get it when
   * they first upload. `send` works like `S3Client.send`; `client()` gives the client itself.
   */
  s3: LazyS3Client;
  destroy(): void;
}

export interface LazyS3Client {
  send: S3Client['send'];
  client(): Promise<S3Client>;
}

/**
 * The one place AWS clients are made. SDK v3 has no global event registry, so everything that must apply
 * to every call (logging, capacity accounting, credential refresh) is a plugin added here.
 */
export function createAwsClients(settings: AwsClientSettings): AwsClients {
  const common = {
    region: settings.region,
    credentials: settings.credentials,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}),
  };
  const dynamodb = new DynamoDBClient(common);
  for (const plugin of settings.plugins ?? []) dynamodb.middlewareStack.use(plugin);
  let s3: Promise<S3Client> | undefined;
  const loadS3 = () =>
    (s3 ??= import('@aws-sdk/client-s3').then(({ S3Client }) => {
      const client = new S3Client({
        ...common,
        // The local gateway serves buckets path-style on one host.
        forcePathStyle: Boolean(settings.endpoint),
        // Default checksums wrap browser Blob bodies in aws-chunked streams that fail before sending
        // (readableStream.getReader is not a function); S3 needs them only where an operation requires it.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      for (const plugin of settings.plugins ?? []) client.middlewareStack.use(plugin);
      return client;
    }));
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return {
    dynamodb,
    documents,
    s3: {
      send: ((...args: Parameters<S3Client['send']>) =>
        loadS3().then((client) =>
          (client.send as (...a: unknown[]) => Promise<unknown>)(...args),
        )) as S3Client['send'],
      client: loadS3,
    },
    destroy() {
      dynamodb.destroy();
      void s3?.then((client) => client.destroy());
    },
  };
}
