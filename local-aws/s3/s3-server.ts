import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';
import { multipartExtras } from './multipart-extras.ts';
import { preflightOrigin } from './preflight-origin.ts';

export interface S3Server {
  port: number;
  stop(): Promise<void>;
}

/**
 * s3rver keeps objects on disk and applies bucket CORS rules to preflights and responses. It only
 * knows its own S3RVER key, so the gateway, which has already verified the caller's signature and
 * policy, forwards requests to it unsigned.
 */
export async function startS3Server(options: { port: number; dataDir: string }): Promise<S3Server> {
  await mkdir(options.dataDir, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    directory: options.dataDir,
    silent: true,
    vhostBuckets: false,
  });
  // Outermost, ahead of s3rver's own middleware: Koa composes the list when the server starts listening.
  const koa = server as unknown as {
    middleware: unknown[];
    store: Parameters<typeof multipartExtras>[0];
  };
  koa.middleware.unshift(preflightOrigin(), multipartExtras(koa.store));
  await server.run();
  return { port: options.port, stop: () => server.close() };
}
