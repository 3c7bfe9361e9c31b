import { describe, expect, it } from 'vitest';
import { memoryStorage, usableStorage } from './frame-storage.ts';

describe('usableStorage', () => {
  it('falls back to memory when the browser refuses storage to a third-party frame', () => {
    const storage = usableStorage(() => {
      throw new DOMException('Access is denied for this document.', 'SecurityError');
    });
    storage.setItem('ink.auth.tokens', '{}');
    expect(storage.getItem('ink.auth.tokens')).toBe('{}');
    expect(storage.length).toBe(1);
    expect(storage.key?.(0)).toBe('ink.auth.tokens');
  });

  it('uses the real storage when it works', () => {
    const real = memoryStorage() as unknown as Storage;
    expect(usableStorage(() => real)).toBe(real);
  });
});
