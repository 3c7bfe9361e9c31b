/**
 * The publisher on AWS Lambda: the table's stream (NEW_AND_OLD_IMAGES) in, pages in the bucket's
 * `pages/` prefix out. Configured by TABLE_NAME, BUCKET_NAME, SITE_URL and SITE_NAME; AWS_REGION is
 * Lambda's own. The event source mapping reports batch item failures (see stream-handler.ts).
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { jsonLog } from './log.ts';
import { createPublisher } from './publisher.ts';
import { handleStreamEvent } from './stream-handler.ts';

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`the publisher needs the environment variable ${name}`);
  return value;
};

let publisher: ReturnType<typeof createPublisher> | undefined;
const log = jsonLog();

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  publisher ??= createPublisher({
    region: required('AWS_REGION'),
    tableName: required('TABLE_NAME'),
    bucketName: required('BUCKET_NAME'),
    site: { siteUrl: required('SITE_URL'), siteName: process.env.SITE_NAME || 'Inkwell' },
  });
  return handleStreamEvent(event, publisher, log);
}
