/**
 * A batch of DynamoDB stream records in, the pages they touch out. The whole batch is rendered as one
 * scope (a publish transaction is several records: one render). If that fails, records are retried
 * one by one, and the first that still fails is reported as the batch's failure (Lambda's
 * ReportBatchItemFailures): the ones before it are done, it and the rest come again, and after the
 * bounded retries it goes to the on-failure destination, so one bad record never stalls the stream.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { SiteScope } from '../core/site/build-site.ts';
import { emptyScope, mergeScopes, scopeOfRecord, UnreadableRecordError } from './change-scope.ts';
import type { PublisherLog } from './log.ts';
import { type PublisherDeps, publishScope } from './publish.ts';

const identifier = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? record.eventID ?? '';

const isEmpty = (scope: SiteScope) =>
  !scope.indexes && !scope.authors.size && !scope.tags.size && !scope.posts.size;

export async function handleStreamEvent(
  event: DynamoDBStreamEvent,
  deps: PublisherDeps,
  log: PublisherLog,
): Promise<DynamoDBBatchResponse> {
  const scopes: { record: DynamoDBRecord; scope: SiteScope }[] = [];
  for (const record of event.Records) {
    try {
      scopes.push({ record, scope: scopeOfRecord(record) });
    } catch (error) {
      if (!(error instanceof UnreadableRecordError)) throw error;
      // Nothing can make it readable: retrying would only hold the stream up.
      log.error('record skipped', { eventID: record.eventID, reason: error.message });
    }
  }
  const whole = scopes.reduce((all, { scope }) => mergeScopes(all, scope), emptyScope());
  if (isEmpty(whole)) return { batchItemFailures: [] };
  try {
    const result = await publishScope(deps, whole);
    log.info('batch published', {
      records: event.Records.length,
      written: result.written.length,
      deleted: result.deleted.length,
      unchanged: result.unchanged,
    });
    return { batchItemFailures: [] };
  } catch (error) {
    log.warn('batch failed, retrying record by record', {
      records: event.Records.length,
      error: String(error),
    });
  }
  for (const { record, scope } of scopes) {
    if (isEmpty(scope)) continue;
    try {
      await publishScope(deps, scope);
    } catch (error) {
      log.error('record failed', {
        eventID: record.eventID,
        sequenceNumber: identifier(record),
        error: String(error),
      });
      return { batchItemFailures: [{ itemIdentifier: identifier(record) }] };
    }
  }
  return { batchItemFailures: [] };
}
