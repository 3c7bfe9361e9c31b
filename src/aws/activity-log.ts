/**
 * The last N AWS calls this tab made, for the activity panel and for tests: what was called, how long
 * it took, how often it was tried, what capacity it used and how it failed.
 */

export interface ActivityEntry {
  /** Increasing per log; stable key for rendering. */
  id: number;
  /** Epoch ms when the call started. */
  startedAt: number;
  /** e.g. `DynamoDB`, `S3`, `CognitoIdentity`, `STS` (the client name without `Client`). */
  service: string;
  /** e.g. `Query`, `GetId` (the command name without `Command`). */
  operation: string;
  /** Wall time of the whole call, retries included. */
  ms: number;
  /** HTTP attempts, across the SDK's retries and a retry with refreshed credentials. */
  attempts: number;
  totalRetryDelayMs: number;
  /** DynamoDB capacity units consumed (summed over tables and indexes), when DynamoDB reported them. */
  consumedCapacity?: number;
  /** True when any attempt was throttled (ThrottlingException, ProvisionedThroughputExceeded, SlowDown). */
  throttled: boolean;
  /** True when the call was retried after refreshing expired credentials. */
  credentialsRefreshed: boolean;
  /** The final error's code; absent on success. */
  errorCode?: string;
  httpStatus?: number;
  requestId?: string;
}

export type NewActivityEntry = Omit<ActivityEntry, 'id'>;

/** Fired on the log for each call recorded. */
export class ActivityEvent extends Event {
  readonly entry: ActivityEntry;
  constructor(entry: ActivityEntry) {
    super('entry');
    this.entry = entry;
  }
}

export class ActivityLog extends EventTarget {
  readonly limit: number;
  #entries: readonly ActivityEntry[] = [];
  #nextId = 1;

  constructor(limit = 200) {
    super();
    this.limit = limit;
  }

  /** Oldest first; a new array after every change, so it can be compared by identity. */
  get entries(): readonly ActivityEntry[] {
    return this.#entries;
  }

  add(entry: NewActivityEntry): ActivityEntry {
    const recorded: ActivityEntry = Object.freeze({ ...entry, id: this.#nextId++ });
    this.#entries = [...this.#entries.slice(Math.max(0, this.#entries.length + 1 - this.limit)), recorded];
    this.dispatchEvent(new ActivityEvent(recorded));
    return recorded;
  }

  clear(): void {
    this.#entries = [];
    this.dispatchEvent(new Event('clear'));
  }

  /** Calls `listener` with the entries now and after every change; returns the unsubscribe function. */
  subscribe(listener: (entries: readonly ActivityEntry[]) => void): () => void {
    const notify = () => listener(this.#entries);
    this.addEventListener('entry', notify);
    this.addEventListener('clear', notify);
    notify();
    return () => {
      this.removeEventListener('entry', notify);
      this.removeEventListener('clear', notify);
    };
  }
}
