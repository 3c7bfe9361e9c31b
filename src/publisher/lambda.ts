/**
 * PLACEHOLDER for the publisher's Lambda entry (the lead engineer's module replaces it on merge). It
 * keeps the real signature and loads jsdom, as the real renderer does, so the deploy bundle
 * (infra/publisher-bundle.ts) is built and tested against the same dependency graph.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { JSDOM } from 'jsdom';

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  // A window per batch, as DOMPurify over jsdom needs one: proves jsdom loads inside the bundle.
  const { window } = new JSDOM('');
  window.close();
  void event.Records;
  return { batchItemFailures: [] };
}
