/**
 * Logs every AWS call a client makes into the {@link ActivityLog} (and console.debug): service,
 * operation, latency, attempts and retry delay, DynamoDB consumed capacity, throttling and error code.
 * Also asks DynamoDB to report consumed capacity, which it does only when asked.
 *
 * Three middlewares, all in the SDK's style:
 * - `inkCallLogger` (initialize, high): outermost, so it times the whole call, retries included;
 * - `inkReturnConsumedCapacity` (initialize): adds `ReturnConsumedCapacity: 'TOTAL'` when absent;
 * - `inkAttemptObserver` (deserialize, high): inside the SDK's retry loop, sees each attempt's error,
 *   so a call throttled once and then successful is still marked throttled.
 */
import type {
  AbsoluteLocation,
  DeserializeHandlerOptions,
  DeserializeMiddleware,
  HandlerExecutionContext,
  InitializeHandlerOptions,
  InitializeMiddleware,
  MetadataBearer,
} from '@smithy/types';
import type { ActivityLog, NewActivityEntry } from '../activity-log.ts';
import { callNotes, errorCodeOf, metadataOf } from './call-notes.ts';
import type { ClientPlugin } from './client-plugin.ts';

export interface CallLoggerOptions {
  log: ActivityLog;
  /** Where a one-line summary of each call goes; `null` for none. Default `console`. */
  console?: Pick<Console, 'debug'> | null;
  now?: () => number;
}

/** Operations that accept `ReturnConsumedCapacity`. */
const CAPACITY_OPERATIONS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
  'ExecuteStatementCommand',
  'BatchExecuteStatementCommand',
  'ExecuteTransactionCommand',
]);

const THROTTLING_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);

export function isThrottlingCode(code: string | undefined): boolean {
  return code !== undefined && THROTTLING_CODES.has(code);
}

export const callLoggerMiddlewareOptions: InitializeHandlerOptions & AbsoluteLocation = {
  step: 'initialize',
  priority: 'high',
  name: 'inkCallLogger',
  tags: ['INK', 'LOGGER'],
  override: true,
};

export const returnConsumedCapacityMiddlewareOptions: InitializeHandlerOptions & AbsoluteLocation = {
  step: 'initialize',
  name: 'inkReturnConsumedCapacity',
  tags: ['INK', 'DYNAMODB', 'CONSUMED_CAPACITY'],
  override: true,
};

export const attemptObserverMiddlewareOptions: DeserializeHandlerOptions & AbsoluteLocation = {
  step: 'deserialize',
  priority: 'high',
  name: 'inkAttemptObserver',
  tags: ['INK', 'LOGGER'],
  override: true,
};

function isDynamoDbCapacityCall(context: HandlerExecutionContext): boolean {
  return context.clientName === 'DynamoDBClient' && CAPACITY_OPERATIONS.has(context.commandName ?? '');
}

export const returnConsumedCapacityMiddleware =
  (): InitializeMiddleware<object, MetadataBearer> => (next, context) => async (args) => {
    const input = args.input as { ReturnConsumedCapacity?: string };
    if (!isDynamoDbCapacityCall(context) || input.ReturnConsumedCapacity !== undefined) return next(args);
    // A copy: the command's own input object stays as the caller wrote it.
    return next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } });
  };

export const attemptObserverMiddleware =
  (): DeserializeMiddleware<object, MetadataBearer> => (next, context) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      callNotes(context).attemptErrors.push(errorCodeOf(error));
      throw error;
    }
  };

export const callLoggerMiddleware =
  (options: CallLoggerOptions): InitializeMiddleware<object, MetadataBearer> =>
  (next, context) =>
  async (args) => {
    const now = options.now ?? Date.now;
    const startedAt = now();
    const record = (outcome: { output: unknown } | { error: unknown }) => {
      const entry = describeCall(context, startedAt, now() - startedAt, outcome);
      options.log.add(entry);
      const sink = options.console === undefined ? console : options.console;
      sink?.debug(`[aws] ${summarize(entry)}`);
    };
    try {
      const result = await next(args);
      record({ output: result.output });
      return result;
    } catch (error) {
      record({ error });
      throw error;
    }
  };

/** The activity entry for one finished call. */
export function describeCall(
  context: HandlerExecutionContext,
  startedAt: number,
  ms: number,
  outcome: { output: unknown } | { error: unknown },
): NewActivityEntry {
  const notes = callNotes(context);
  const failed = 'error' in outcome;
  const metadata = metadataOf(failed ? outcome.error : outcome.output);
  const errorCode = failed ? errorCodeOf(outcome.error) : undefined;
  const consumedCapacity = failed ? undefined : sumCapacity(outcome.output);
  const attempts = (metadata?.attempts ?? Math.max(1, notes.attemptErrors.length)) + notes.priorAttempts;
  return {
    startedAt,
    service: (context.clientName ?? 'Unknown').replace(/Client$/, ''),
    operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
    ms: Math.round(ms),
    attempts,
    totalRetryDelayMs: (metadata?.totalRetryDelay ?? 0) + notes.priorRetryDelayMs,
    ...(consumedCapacity !== undefined ? { consumedCapacity } : {}),
    throttled: isThrottlingCode(errorCode) || notes.attemptErrors.some((code) => isThrottlingCode(code)),
    credentialsRefreshed: notes.credentialsRefreshed,
    ...(errorCode ? { errorCode } : {}),
    ...(metadata?.httpStatusCode !== undefined ? { httpStatus: metadata.httpStatusCode } : {}),
    ...(metadata?.requestId ? { requestId: metadata.requestId } : {}),
  };
}

/** Capacity units in `ConsumedCapacity`: one object for item calls, a list for batch and transaction calls. */
export function sumCapacity(output: unknown): number | undefined {
  if (typeof output !== 'object' || output === null) return undefined;
  const consumed = (output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  let total: number | undefined;
  for (const item of list) {
    const units = (item as { CapacityUnits?: unknown }).CapacityUnits;
    if (typeof units === 'number') total = (total ?? 0) + units;
  }
  return total;
}

function summarize(entry: NewActivityEntry): string {
  const parts = [`${entry.service}.${entry.operation}`, `${entry.ms} ms`];
  if (entry.attempts > 1) parts.push(`${entry.attempts} attempts (${entry.totalRetryDelayMs} ms backoff)`);
  if (entry.consumedCapacity !== undefined) parts.push(`${entry.consumedCapacity} CU`);
  if (entry.throttled) parts.push('throttled');
  if (entry.credentialsRefreshed) parts.push('credentials refreshed');
  if (entry.errorCode) parts.push(`failed: ${entry.errorCode}`);
  return parts.join(' · ');
}

/** Logs every call of the client it is applied to into `options.log`. */
export function getCallLoggerPlugin(options: CallLoggerOptions): ClientPlugin {
  return {
    applyToStack(stack) {
      stack.add(callLoggerMiddleware(options), callLoggerMiddlewareOptions);
      stack.add(returnConsumedCapacityMiddleware(), returnConsumedCapacityMiddlewareOptions);
      stack.add(attemptObserverMiddleware(), attemptObserverMiddlewareOptions);
    },
  };
}
