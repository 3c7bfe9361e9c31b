import { describe, expect, it } from 'vitest';
import { memoryJournal, type UploadJournalEntry } from '../aws/upload-journal.ts';
import { deviceDrafts, forgetUser } from './forget-user.ts';

function storage(entries: Record<string, string>) {
  const data = new Map(Object.entries(entries));
  return {
    data,
    get length() {
      return data.size;
    },
    key: (index: number) => [...data.keys()][index] ?? null,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    removeItem: (key: string) => void data.delete(key),
  };
}

const copy = (title: string, unsaved: boolean) => JSON.stringify({ fields: { title }, unsaved });
const upload = (owner: string) =>
  ({ owner, file: { name: 'a.png', size: 1, lastModified: 1 } }) as UploadJournalEntry;

describe('what sign-out forgets', () => {
  it('finds the writer’s device drafts and which of them DynamoDB lacks', () => {
    const local = storage({
      'inkwell:draft:me:new': copy('Half written', true),
      'inkwell:draft:me:saved-post': copy('Saved', false),
      'inkwell:draft:someone-else:new': copy('Theirs', true),
    });
    expect(deviceDrafts(local, 'me')).toEqual([
      { key: 'inkwell:draft:me:new', title: 'Half written', unsaved: true },
      { key: 'inkwell:draft:me:saved-post', title: 'Saved', unsaved: false },
    ]);
  });

  it('removes the writer’s drafts, sign-in and identity caches and uploads; keeps the rest', async () => {
    const local = storage({
      'inkwell:draft:me:new': copy('Half written', true),
      'inkwell:draft:someone-else:new': copy('Theirs', true),
      'inkwell:theme': 'dark',
    });
    const session = storage({
      'ink.auth.tokens': '{}',
      'ink.auth.pending.abc': '{}',
      'aws:cognito-identity-credentials:pool:local:me': 'us-east-1:me',
      unrelated: 'x',
    });
    const journal = memoryJournal();
    await journal.put('mine', upload('me'));
    await journal.put('theirs', upload('someone-else'));
    await forgetUser({ local, session, journal }, 'me');
    expect([...local.data.keys()]).toEqual(['inkwell:draft:someone-else:new', 'inkwell:theme']);
    expect([...session.data.keys()]).toEqual(['unrelated']);
    expect([...journal.data.keys()]).toEqual(['theirs']);
  });
});
