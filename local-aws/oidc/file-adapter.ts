import { join } from 'node:path';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { readJsonFile, writeJsonFile } from './json-file.ts';

interface StoredEntry {
  payload: AdapterPayload;
  /** Epoch milliseconds; absent for entries that never expire. */
  expiresAt?: number;
}

type StoreData = Record<string, Record<string, StoredEntry>>;

/**
 * Keeps oidc-provider's sessions, grants, codes and tokens in one JSON file, so a restart of the local
 * stack keeps people signed in and their refresh tokens working. The volume is tiny (a handful of
 * developers' sessions), so rewriting the whole file on each change is simpler than anything smarter.
 */
export class FileAdapterStore {
  readonly #path: string;
  readonly #data: StoreData;

  constructor(dir: string) {
    this.#path = join(dir, 'store.json');
    this.#data = readJsonFile<StoreData>(this.#path) ?? {};
    this.#pruneExpired();
  }

  /** The factory oidc-provider's `adapter` option takes: one adapter per model name. */
  readonly adapterFor = (model: string): Adapter => {
    const entries = this.#data[model] ?? {};
    this.#data[model] = entries;
    const live = (entry: StoredEntry | undefined): AdapterPayload | undefined =>
      entry && (entry.expiresAt === undefined || entry.expiresAt > Date.now()) ? entry.payload : undefined;
    const findBy = (field: 'uid' | 'userCode', value: string) =>
      live(Object.values(entries).find((entry) => entry.payload[field] === value));

    return {
      upsert: async (id, payload, expiresIn) => {
        entries[id] = expiresIn ? { payload, expiresAt: Date.now() + expiresIn * 1000 } : { payload };
        this.#save();
      },
      find: async (id) => live(entries[id]),
      findByUid: async (uid) => findBy('uid', uid),
      findByUserCode: async (userCode) => findBy('userCode', userCode),
      consume: async (id) => {
        const entry = entries[id];
        if (!entry) return;
        entry.payload.consumed = Math.floor(Date.now() / 1000);
        this.#save();
      },
      destroy: async (id) => {
        delete entries[id];
        this.#save();
      },
      revokeByGrantId: async (grantId) => {
        // Revoking a grant ends every code and token minted under it, whichever model holds them.
        for (const modelEntries of Object.values(this.#data)) {
          for (const [id, entry] of Object.entries(modelEntries)) {
            if (entry.payload.grantId === grantId) delete modelEntries[id];
          }
        }
        this.#save();
      },
    };
  };

  #pruneExpired(): void {
    const now = Date.now();
    for (const modelEntries of Object.values(this.#data)) {
      for (const [id, entry] of Object.entries(modelEntries)) {
        if (entry.expiresAt !== undefined && entry.expiresAt <= now) delete modelEntries[id];
      }
    }
  }

  #save(): void {
    this.#pruneExpired();
    writeJsonFile(this.#path, this.#data);
  }
}
