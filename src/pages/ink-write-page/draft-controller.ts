/**
 * The life of one post in the editor: every change goes to this device at once (localStorage) and to
 * DynamoDB a moment later (debounced), with a status the writer can read. Conflicts with another window
 * stop the saving and keep both versions until the writer chooses; failures never lose the draft: the
 * device copy stays until DynamoDB has the same text, and is offered back after a reload.
 */
import { describeError } from '../../app/errors.ts';
import type { Post } from '../../core/post-items.ts';
import { PostConflictError } from '../../data/post-errors.ts';
import { postProblems } from '../../data/post-rules.ts';
import type { NewPost, PublishResult } from '../../data/posts.ts';

export interface EditorFields {
  title: string;
  slug: string;
  excerpt: string;
  tags: string[];
  body: string;
}

export type SaveState = 'new' | 'local' | 'saving' | 'saved' | 'offline' | 'conflict' | 'invalid' | 'error';

/** The data calls the controller makes: src/data/posts.ts bound to the session, or fakes in tests. */
export interface DraftOperations {
  /** The stored working copy, read consistently (to notice a save made in another window). */
  load(slug: string): Promise<Post>;
  create(input: NewPost): Promise<Post>;
  save(post: Post): Promise<Post>;
  rename(post: Post, slug: string): Promise<Post>;
  publish(post: Post): Promise<PublishResult>;
  unpublish(post: Post): Promise<PublishResult>;
  remove(post: Post): Promise<{ feedUpdated: boolean }>;
}

export interface DraftControllerOptions {
  authorId: string;
  authorName: string;
  operations: DraftOperations;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Delay between the last change and the DynamoDB save. */
  debounceMs?: number;
  /** Delay before retrying a save that failed for lack of network. */
  retryMs?: number;
  newToken?: () => string;
  now?: () => Date;
}

/** What this device keeps of a post: enough to restore the editor and to save without loss later. */
interface DeviceCopy {
  fields: EditorFields;
  /** The stored version these fields were based on (0 for a post not yet created). */
  baseVersion: number;
  clientToken: string;
  slugEdited: boolean;
  keptAt: string;
  /** True while DynamoDB does not have these fields yet. */
  unsaved: boolean;
}

export const EMPTY_FIELDS: EditorFields = { title: '', slug: '', excerpt: '', tags: [], body: '' };

export function fieldsOf(post: Post): EditorFields {
  return { title: post.title, slug: post.slug, excerpt: post.excerpt, tags: [...post.tags], body: post.body };
}

export function sameFields(a: EditorFields, b: EditorFields): boolean {
  return (
    a.title === b.title &&
    a.slug === b.slug &&
    a.excerpt === b.excerpt &&
    a.body === b.body &&
    a.tags.length === b.tags.length &&
    a.tags.every((tag, i) => tag === b.tags[i])
  );
}

const STATUS_TEXT: Record<SaveState, string> = {
  new: 'Not saved yet',
  local: 'Kept on this device',
  saving: 'Saving…',
  saved: 'Saved',
  offline: 'Offline – kept on this device',
  conflict: 'Conflict',
  invalid: 'Kept on this device',
  error: 'Not saved – kept on this device',
};

export class DraftController extends EventTarget {
  /** What the editor shows. */
  fields: EditorFields = { ...EMPTY_FIELDS };
  /** The post as DynamoDB has it (undefined until created). */
  saved: Post | undefined;
  state: SaveState = 'new';
  /** Why the last save did not happen (invalid fields, an error), for the status line. */
  problem: string | undefined;
  /** Set while another window's version and ours wait for the writer's choice. */
  conflict: { theirs: Post; yours: EditorFields } | undefined;
  /** Told once after a load: a device copy was restored, or the feed could not be updated. */
  notice: string | undefined;
  slugEdited = false;
  /** Bumped when the fields change from outside the editor (load, "take theirs"): the editor reloads. */
  revision = 0;

  readonly #options: Required<Omit<DraftControllerOptions, 'newToken' | 'now'>> &
    Pick<DraftControllerOptions, 'newToken' | 'now'>;
  #clientToken: string;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #disposed = false;

  constructor(options: DraftControllerOptions) {
    super();
    this.#options = { debounceMs: 2000, retryMs: 5000, ...options };
    this.#clientToken = this.#token();
  }

  get statusText(): string {
    return STATUS_TEXT[this.state];
  }

  /** True while DynamoDB lacks some of the editor's text. */
  get unsaved(): boolean {
    return !this.saved || !sameFields(this.fields, fieldsOf(this.saved));
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** A new post: restores what this device kept of an unfinished new post, if anything. */
  startNew(): void {
    const copy = this.#readCopy('new');
    if (copy && (copy.fields.title || copy.fields.body)) {
      this.fields = copy.fields;
      this.slugEdited = copy.slugEdited;
      this.#clientToken = copy.clientToken;
      this.notice = `Restored a draft kept on this device (${this.#when(copy.keptAt)}). It is not saved to your account yet.`;
      this.state = 'local';
      this.#schedule(0);
    }
    this.#changed(true);
  }

  /** An existing post, as loaded from DynamoDB: a newer device copy wins, or is a conflict. */
  startExisting(post: Post): void {
    this.saved = post;
    this.fields = fieldsOf(post);
    this.slugEdited = true;
    this.state = 'saved';
    const copy = this.#readCopy(post.slug);
    if (copy?.unsaved && !sameFields(copy.fields, this.fields)) {
      if (copy.baseVersion === post.version) {
        this.fields = copy.fields;
        this.state = 'local';
        this.notice = `Restored changes kept on this device (${this.#when(copy.keptAt)}) that were not saved yet.`;
        this.#schedule(0);
      } else {
        this.conflict = { theirs: post, yours: copy.fields };
        this.state = 'conflict';
        this.notice = `This device kept changes (${this.#when(copy.keptAt)}), but the post was saved elsewhere since.`;
      }
    }
    this.#keep();
    this.#changed(true);
  }

  /** Every keystroke: kept on this device now, saved to DynamoDB after a pause. */
  update(fields: EditorFields, slugEdited = this.slugEdited): void {
    this.fields = fields;
    this.slugEdited = slugEdited;
    if (this.conflict) this.conflict = { ...this.conflict, yours: fields };
    this.#keep();
    if (this.state !== 'conflict') {
      this.state = 'local';
      this.#schedule(this.#options.debounceMs);
    }
    this.#changed(false);
  }

  /** Saves now (waits for a save already running, then saves what is left). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    while (this.#running) await this.#running;
    await this.#run();
  }

  /** "Keep mine": save this window's fields over the other version, knowingly. */
  async keepMine(): Promise<void> {
    if (!this.conflict) return;
    this.saved = this.conflict.theirs;
    this.fields = this.conflict.yours;
    this.conflict = undefined;
    this.state = 'local';
    this.#changed(true);
    await this.flush();
  }

  /** "Take theirs": drop this window's changes and continue from the stored version. */
  takeTheirs(): void {
    if (!this.conflict) return;
    const theirs = this.conflict.theirs;
    this.conflict = undefined;
    this.saved = theirs;
    this.fields = fieldsOf(theirs);
    this.state = 'saved';
    this.#keep();
    this.#changed(true);
  }

  async publish(): Promise<void> {
    await this.#transition((post) => this.#options.operations.publish(post));
  }

  async unpublish(): Promise<void> {
    await this.#transition((post) => this.#options.operations.unpublish(post));
  }

  /** Deletes the post everywhere, this device's copy included. Resolves true when it is gone. */
  async remove(): Promise<boolean> {
    clearTimeout(this.#timer);
    if (this.#running) await this.#running;
    if (!this.saved) {
      this.#forget('new');
      this.fields = { ...EMPTY_FIELDS };
      this.#changed(true);
      return true;
    }
    try {
      await this.#options.operations.remove({ ...this.saved });
      this.#forget(this.saved.slug);
      return true;
    } catch (error) {
      this.#failed(error);
      return false;
    }
  }

  /**
   * Compares with the stored working copy (call it when the window comes back into view): another
   * window may have saved since. With nothing unsaved here, this window takes the newer version, so it
   * never says "Saved" over older text; with unsaved changes, both versions wait for the writer's choice.
   */
  async checkStored(): Promise<void> {
    const known = this.saved;
    if (!known || this.#running || this.state === 'conflict' || this.#disposed) return;
    let stored: Post;
    try {
      stored = await this.#options.operations.load(known.slug);
    } catch {
      // Unreachable or gone: the next save says so, with its own message.
      return;
    }
    // A save or another check ran meanwhile: its outcome is newer than this read.
    if (this.saved !== known || this.#running || (this.state as SaveState) === 'conflict') return;
    if (stored.version <= known.version) return;
    if (this.unsaved) {
      clearTimeout(this.#timer);
      this.conflict = { theirs: stored, yours: this.fields };
      this.state = 'conflict';
      this.problem = undefined;
    } else {
      this.saved = stored;
      this.fields = fieldsOf(stored);
      this.state = 'saved';
      this.notice = 'This post was changed in another window: you are now seeing the latest version.';
    }
    this.#keep();
    this.#changed(true);
  }

  dismissNotice(): void {
    this.notice = undefined;
    this.#changed(false);
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#timer);
  }

  /** Publish and unpublish: save first (a new post is created), then the transition on that version. */
  async #transition(step: (post: Post) => Promise<PublishResult>): Promise<void> {
    if (this.state === 'conflict') return;
    await this.flush();
    if (!this.saved || this.state !== 'saved') return;
    this.state = 'saving';
    const running = (async () => {
      try {
        const result = await step({ ...this.saved!, ...this.fields });
        this.saved = result.post;
        this.state = 'saved';
        this.problem = undefined;
        if (!result.feedUpdated)
          this.notice = 'Your Atom feed could not be updated; it will be on your next publish.';
        this.#keep();
      } catch (error) {
        this.#failed(error);
      }
    })();
    this.#running = running;
    this.#changed(false);
    try {
      await running;
    } finally {
      this.#running = undefined;
      this.#changed(false);
    }
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    if (this.#disposed) return;
    this.#timer = setTimeout(() => void this.flush(), delay);
  }

  async #run(): Promise<void> {
    if (this.state === 'conflict' || !this.unsaved) {
      if (this.state !== 'conflict' && this.saved) this.state = 'saved';
      return;
    }
    const problems = postProblems(this.fields);
    if (problems.length > 0) {
      this.state = 'invalid';
      this.problem = problems[0]!.message;
      this.#changed(false);
      return;
    }
    const snapshot = this.fields;
    this.state = 'saving';
    this.problem = undefined;
    this.#changed(false);
    const running = this.#save(snapshot);
    this.#running = running;
    try {
      await running;
    } finally {
      this.#running = undefined;
      this.#changed(false);
    }
  }

  async #save(snapshot: EditorFields): Promise<void> {
    const ops = this.#options.operations;
    const previousSlug = this.saved?.slug ?? 'new';
    try {
      if (!this.saved) {
        this.saved = await ops.create({
          ...snapshot,
          authorId: this.#options.authorId,
          authorName: this.#options.authorName,
          clientToken: this.#clientToken,
        });
      } else if (snapshot.slug !== this.saved.slug) {
        this.saved = await ops.rename({ ...this.saved, ...snapshot, slug: this.saved.slug }, snapshot.slug);
      } else {
        this.saved = await ops.save({ ...this.saved, ...snapshot });
      }
      if (previousSlug !== this.saved.slug) this.#forget(previousSlug);
      this.state = this.unsaved ? 'local' : 'saved';
      this.#keep();
      if (this.unsaved) this.#schedule(this.#options.debounceMs);
    } catch (error) {
      this.#failed(error, true);
    }
  }

  /** `retry`: a save failed, and one that only met a busy or failing AWS is tried again later. */
  #failed(error: unknown, retry = false): void {
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof PostConflictError) {
      this.conflict = { theirs: error.theirs, yours: this.fields };
      this.state = 'conflict';
      this.problem = undefined;
    } else if (code === 'network') {
      this.state = 'offline';
      this.problem = undefined;
      this.#schedule(this.#options.retryMs);
    } else if (code === 'post-invalid' || code === 'post-too-large' || code === 'slug-taken') {
      this.state = 'invalid';
      this.problem = (error as Error).message;
    } else {
      this.state = 'error';
      this.problem = describeError(error);
      // Throttled or failing through all the SDK's retries: the text stays on this device, and the
      // save is tried again in a while (and on the next edit).
      if (retry && (code === 'busy' || code === 'unavailable')) this.#schedule(this.#options.retryMs);
    }
    this.#keep();
  }

  #key(slug: string): string {
    return `inkwell:draft:${this.#options.authorId}:${slug}`;
  }

  #readCopy(slug: string): DeviceCopy | undefined {
    try {
      const text = this.#options.storage.getItem(this.#key(slug));
      return text ? (JSON.parse(text) as DeviceCopy) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Writes this device's copy (under the stored slug, or `new` before the post exists). */
  #keep(): void {
    const copy: DeviceCopy = {
      fields: this.conflict ? this.conflict.yours : this.fields,
      baseVersion: this.saved?.version ?? 0,
      clientToken: this.#clientToken,
      slugEdited: this.slugEdited,
      keptAt: (this.#options.now?.() ?? new Date()).toISOString(),
      unsaved: this.conflict !== undefined || this.unsaved,
    };
    try {
      this.#options.storage.setItem(this.#key(this.saved?.slug ?? 'new'), JSON.stringify(copy));
    } catch {
      // Storage full or disabled: DynamoDB saves still go on; nothing else to do.
    }
  }

  #forget(slug: string): void {
    try {
      this.#options.storage.removeItem(this.#key(slug));
    } catch {
      // As above.
    }
  }

  #token(): string {
    return this.#options.newToken?.() ?? crypto.randomUUID();
  }

  #when(iso: string): string {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? 'earlier' : date.toLocaleString();
  }

  #changed(reload: boolean): void {
    if (reload) this.revision++;
    this.dispatchEvent(new Event('change'));
  }
}

/** Where this device keeps copies of one writer's posts (`<prefix><slug>`), for sign-out to forget. */
export function deviceDraftPrefix(authorId: string): string {
  return `inkwell:draft:${authorId}:`;
}
