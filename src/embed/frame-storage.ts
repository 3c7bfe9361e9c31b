/**
 * Storage for the embed iframe. As a third-party frame, the browser may partition its storage (fine:
 * the whole sign-in happens inside the frame's partition) or refuse it outright when the reader blocks
 * third-party cookies: then reading `sessionStorage` throws SecurityError. The widget then keeps its
 * sign-in in memory for the life of the frame instead of failing.
 */
import type { KeyValueStorage } from '../auth/token-store.ts';

/** The storage `get` returns when it can be used, else an in-memory stand-in. */
export function usableStorage(get: () => Storage): KeyValueStorage {
  try {
    const storage = get();
    const probe = 'ink.storage-probe';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return memoryStorage();
  }
}

export function memoryStorage(): KeyValueStorage {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, String(value)),
    removeItem: (key) => void values.delete(key),
    get length() {
      return values.size;
    },
    key: (index) => [...values.keys()][index] ?? null,
  };
}
