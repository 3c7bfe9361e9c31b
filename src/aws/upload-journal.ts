/**
 * Where unfinished multipart uploads are remembered across reloads: IndexedDB (idb-keyval), one entry
 * per writer and file. Holds no secrets: the key, the UploadId and the parts' ETags are useless without
 * the writer's credentials.
 */
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';
import type { CompletedPart, FileIdentity } from './multipart-plan.ts';

export interface UploadJournalEntry {
  /** The identity id that owns the upload (only its credentials can continue or abort it). */
  owner: string;
  bucket: string;
  key: string;
  uploadId: string;
  partSize: number;
  contentType: string;
  file: FileIdentity;
  /** Parts S3 acknowledged, as far as this browser knows (ListParts confirms them before reuse). */
  parts: CompletedPart[];
  createdAt: string;
  /** Whatever the caller needs back on resume (the asset id, the alt text). */
  meta: Record<string, string>;
}

export interface UploadJournal {
  get(id: string): Promise<UploadJournalEntry | undefined>;
  put(id: string, entry: UploadJournalEntry): Promise<void>;
  delete(id: string): Promise<void>;
  list(): Promise<[string, UploadJournalEntry][]>;
}

let store: UseStore | undefined;

/** The browser's journal. */
export function indexedDbJournal(): UploadJournal {
  store ??= createStore('inkwell-uploads', 'multipart');
  const s = store;
  return {
    get: (id) => get<UploadJournalEntry>(id, s),
    put: (id, entry) => set(id, structuredClone(entry), s),
    delete: (id) => del(id, s),
    list: async () => (await entries<string, UploadJournalEntry>(s)).map(([k, v]) => [String(k), v]),
  };
}

/** For tests, and for browsers where IndexedDB is unavailable (private modes): resume within the page only. */
export function memoryJournal(): UploadJournal & { data: Map<string, UploadJournalEntry> } {
  const data = new Map<string, UploadJournalEntry>();
  return {
    data,
    get: async (id) => (data.has(id) ? structuredClone(data.get(id)) : undefined),
    put: async (id, entry) => void data.set(id, structuredClone(entry)),
    delete: async (id) => void data.delete(id),
    list: async () => [...data.entries()].map(([k, v]) => [k, structuredClone(v)]),
  };
}
