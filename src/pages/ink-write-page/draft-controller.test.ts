import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Post } from '../../core/post-items.ts';
import { DataUnavailableError, PostConflictError } from '../../data/post-errors.ts';
import { DraftController, type DraftOperations, type EditorFields } from './draft-controller.ts';

/** A one-table stand-in for the posts data layer, with the same version checks. */
function fakeStore() {
  const posts = new Map<string, Post>();
  let offline = false;
  let failure: Error | undefined;
  const check = async () => {
    if (offline) throw new DataUnavailableError('network');
    if (failure) throw failure;
  };
  const ops: DraftOperations = {
    load: vi.fn(async (slug) => {
      await check();
      const stored = posts.get(slug);
      if (!stored) throw Object.assign(new Error('gone'), { code: 'not-found' });
      return { ...stored };
    }),
    create: vi.fn(async (input) => {
      await check();
      const existing = posts.get(input.slug);
      if (existing) {
        if (existing.clientToken === input.clientToken) return existing;
        throw Object.assign(new Error('taken'), { code: 'slug-taken' });
      }
      const { clientToken, ...fields } = input;
      const post: Post = {
        ...fields,
        clientToken,
        status: 'draft',
        version: 1,
        createdAt: 't',
        updatedAt: 't',
      };
      posts.set(post.slug, post);
      return post;
    }),
    save: vi.fn(async (post) => {
      await check();
      const stored = posts.get(post.slug)!;
      if (stored.version !== post.version) throw new PostConflictError(stored, post.version);
      const saved = { ...post, version: post.version + 1 };
      posts.set(post.slug, saved);
      return saved;
    }),
    rename: vi.fn(async (post, slug) => {
      await check();
      posts.delete(post.slug);
      const renamed = { ...post, slug, version: post.version + 1 };
      posts.set(slug, renamed);
      return renamed;
    }),
    publish: vi.fn(async (post) => {
      await check();
      const live = { ...post, status: 'published' as const, version: post.version + 1 };
      live.publishedVersion = live.version;
      posts.set(post.slug, live);
      return { post: live, feedUpdated: true };
    }),
    unpublish: vi.fn(async (post) => ({ post: { ...post, status: 'draft' as const }, feedUpdated: true })),
    remove: vi.fn(async (post) => {
      posts.delete(post.slug);
      return { feedUpdated: true };
    }),
  };
  return {
    posts,
    ops,
    setOffline: (value: boolean) => {
      offline = value;
    },
    /** Every call fails with `error` (AWS busy through all retries, say) until cleared. */
    failWith: (error: Error | undefined) => {
      failure = error;
    },
  };
}

function memoryStorage() {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key),
  };
}

const fields = (over: Partial<EditorFields> = {}): EditorFields => ({
  title: 'Hello',
  slug: 'hello',
  excerpt: '',
  tags: [],
  body: 'Body',
  ...over,
});

describe('DraftController', () => {
  let store: ReturnType<typeof fakeStore>;
  let storage: ReturnType<typeof memoryStorage>;
  const make = () =>
    new DraftController({
      authorId: 'me',
      authorName: 'Me',
      operations: store.ops,
      storage,
      debounceMs: 2000,
      retryMs: 5000,
      newToken: () => 'token-1',
    });

  beforeEach(() => {
    vi.useFakeTimers();
    store = fakeStore();
    storage = memoryStorage();
  });
  afterEach(() => vi.useRealTimers());

  it('keeps every change on the device at once and saves to DynamoDB after a pause', async () => {
    const controller = make();
    controller.startNew();
    controller.update(fields({ body: 'B' }));
    expect(JSON.parse(storage.getItem('inkwell:draft:me:new')!)).toMatchObject({
      fields: { body: 'B' },
      unsaved: true,
    });
    expect(controller.statusText).toBe('Kept on this device');
    controller.update(fields({ body: 'Bo' }));
    await vi.advanceTimersByTimeAsync(1999);
    expect(store.ops.create).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(store.ops.create).toHaveBeenCalledTimes(1);
    expect(controller.statusText).toBe('Saved');
    expect(store.posts.get('hello')).toMatchObject({ body: 'Bo', version: 1, clientToken: 'token-1' });
    // Created: the device copy moves from "new" to the post's slug, clean.
    expect(storage.getItem('inkwell:draft:me:new')).toBeNull();
    expect(JSON.parse(storage.getItem('inkwell:draft:me:hello')!)).toMatchObject({
      unsaved: false,
      baseVersion: 1,
    });
  });

  it('does not save invalid fields, and says why', async () => {
    const controller = make();
    controller.startNew();
    controller.update(fields({ title: '', slug: '' }));
    await controller.flush();
    expect(controller.state).toBe('invalid');
    expect(controller.problem).toBe('Give the post a title.');
    expect(store.ops.create).not.toHaveBeenCalled();
  });

  it('goes offline without losing anything, and saves when the network is back', async () => {
    const controller = make();
    controller.startExisting(
      await store.ops.create({ ...fields(), authorId: 'me', authorName: 'Me', clientToken: 't' }),
    );
    store.setOffline(true);
    controller.update(fields({ body: 'offline words' }));
    await vi.advanceTimersByTimeAsync(2000);
    expect(controller.statusText).toBe('Offline – kept on this device');
    expect(JSON.parse(storage.getItem('inkwell:draft:me:hello')!)).toMatchObject({
      fields: { body: 'offline words' },
      unsaved: true,
    });
    store.setOffline(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(controller.statusText).toBe('Saved');
    expect(store.posts.get('hello')?.body).toBe('offline words');
  });

  it('restores unsaved device changes after a reload, or shows a conflict when the post moved on', async () => {
    const post = await store.ops.create({ ...fields(), authorId: 'me', authorName: 'Me', clientToken: 't' });
    const first = make();
    first.startExisting(post);
    store.setOffline(true);
    first.update(fields({ body: 'kept' }));
    await vi.advanceTimersByTimeAsync(2000);
    first.dispose();
    store.setOffline(false);

    const reloaded = make();
    reloaded.startExisting(store.posts.get('hello')!);
    expect(reloaded.fields.body).toBe('kept');
    expect(reloaded.notice).toMatch(/Restored changes kept on this device/);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.posts.get('hello')).toMatchObject({ body: 'kept', version: 2 });

    // Another device saved since this copy was kept: both versions are offered, nothing is overwritten.
    reloaded.update(fields({ body: 'mine' }));
    store.posts.set('hello', { ...store.posts.get('hello')!, body: 'elsewhere', version: 5 });
    reloaded.dispose();
    const third = make();
    third.startExisting(store.posts.get('hello')!);
    expect(third.state).toBe('conflict');
    expect(third.conflict).toMatchObject({ theirs: { body: 'elsewhere' }, yours: { body: 'mine' } });
  });

  it('stops on a conflict and lets the writer keep mine or take theirs', async () => {
    const post = await store.ops.create({ ...fields(), authorId: 'me', authorName: 'Me', clientToken: 't' });
    const controller = make();
    controller.startExisting(post);
    store.posts.set('hello', { ...post, body: 'other window', version: 2 });
    controller.update(fields({ body: 'this window' }));
    await vi.advanceTimersByTimeAsync(2000);
    expect(controller.statusText).toBe('Conflict');
    expect(controller.conflict?.theirs.body).toBe('other window');
    // Typing on during the conflict saves nothing and updates "yours".
    controller.update(fields({ body: 'this window, more' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(store.ops.save).toHaveBeenCalledTimes(1);
    await controller.keepMine();
    expect(store.posts.get('hello')).toMatchObject({ body: 'this window, more', version: 3 });

    store.posts.set('hello', { ...store.posts.get('hello')!, body: 'third', version: 7 });
    controller.update(fields({ body: 'lost cause' }));
    await controller.flush();
    const revision = controller.revision;
    controller.takeTheirs();
    expect(controller.fields.body).toBe('third');
    expect(controller.revision).toBe(revision + 1);
    expect(controller.state).toBe('saved');
    expect(JSON.parse(storage.getItem('inkwell:draft:me:hello')!)).toMatchObject({ unsaved: false });
  });

  it('creates once with its token, follows a new slug by renaming, and publishes the current fields', async () => {
    const controller = make();
    controller.startNew();
    controller.update(fields({ title: 'Hel', slug: 'hel' }));
    await controller.flush();
    controller.update(fields({ title: 'Hello', slug: 'hello', body: 'final' }));
    await controller.flush();
    expect(store.ops.rename).toHaveBeenCalledTimes(1);
    expect([...store.posts.keys()]).toEqual(['hello']);
    await controller.publish();
    expect(store.posts.get('hello')).toMatchObject({ status: 'published', body: 'final' });
    expect(controller.saved?.status).toBe('published');
    expect(await controller.remove()).toBe(true);
    expect(store.posts.size).toBe(0);
    expect(storage.values.size).toBe(0);
  });

  it('takes the newer version a neighbour saved when it comes back into view, instead of saying "Saved" over older text', async () => {
    const post = await store.ops.create({ ...fields(), authorId: 'me', authorName: 'Me', clientToken: 't' });
    const controller = make();
    controller.startExisting(post);
    expect(controller.state).toBe('saved');
    store.posts.set('hello', { ...post, body: 'the neighbour’s text', version: 2 });
    const revision = controller.revision;
    await controller.checkStored();
    expect(controller.state).toBe('saved');
    expect(controller.fields.body).toBe('the neighbour’s text');
    expect(controller.saved?.version).toBe(2);
    expect(controller.revision).toBe(revision + 1);
    expect(controller.notice).toMatch(/changed in another window/);
    // Nothing newer: nothing changes.
    await controller.checkStored();
    expect(controller.revision).toBe(revision + 1);
    // With unsaved text here, a newer stored version is a conflict, both kept.
    controller.update(fields({ body: 'mine, not saved yet' }));
    store.posts.set('hello', { ...store.posts.get('hello')!, body: 'third window', version: 3 });
    await controller.checkStored();
    expect(controller.state).toBe('conflict');
    expect(controller.conflict).toMatchObject({
      theirs: { body: 'third window' },
      yours: { body: 'mine, not saved yet' },
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(store.ops.save).not.toHaveBeenCalled();
  });

  it('when AWS stays busy through every retry: a clear message, the text kept, and the save tried again', async () => {
    const post = await store.ops.create({ ...fields(), authorId: 'me', authorName: 'Me', clientToken: 't' });
    const controller = make();
    controller.startExisting(post);
    store.failWith(new DataUnavailableError('busy'));
    controller.update(fields({ body: 'typed while throttled' }));
    await vi.advanceTimersByTimeAsync(2000);
    expect(controller.state).toBe('error');
    expect(controller.statusText).toBe('Not saved – kept on this device');
    expect(controller.problem).toMatch(/AWS is busy/);
    expect(JSON.parse(storage.getItem('inkwell:draft:me:hello')!)).toMatchObject({
      fields: { body: 'typed while throttled' },
      unsaved: true,
    });
    store.failWith(undefined);
    await vi.advanceTimersByTimeAsync(5000);
    expect(controller.state).toBe('saved');
    expect(store.posts.get('hello')).toMatchObject({ body: 'typed while throttled', version: 2 });
  });
});
