import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import {
  type ByPostKey,
  buildThreads,
  type Comment,
  type CommentAttempt,
  type CommentPage,
  type CommentStore,
  commentRef,
  deleteComment,
  editComment,
  hideComment,
  isLiked,
  likeComment,
  listCommentPage,
  newCommentAttempt,
  type PostComments,
  type PostRef,
  parsePostRef,
  postComment,
  threadOrderOf,
  unhideComment,
  unlikeComment,
} from '../../data/comments.ts';
import { renderPlainMarkdown } from '../../markdown/render-plain.ts';
import { styles } from './ink-comments.styles.ts';
import '../ink-login/ink-login.ts';

interface Loaded {
  post: PostRef;
  data: PostComments;
  /** The viewer's IAM identity when signed in: whose comments are theirs to edit. */
  viewerId: string | undefined;
  /** Where "More comments" reads on; absent once the whole list is shown. */
  next: ByPostKey | undefined;
  /** The thread whose replies go on past what is shown ("More replies"). */
  continuedThread: string | undefined;
}

/** Adds a page to what is shown: comments by `commentRef` (a comment read twice is shown once). */
function mergePage(data: PostComments, page: CommentPage): void {
  const byRef = new Map(data.comments.map((comment) => [commentRef(comment), comment]));
  for (const comment of page.comments) byRef.set(commentRef(comment), comment);
  data.comments = [...byRef.values()].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || commentRef(a).localeCompare(commentRef(b)),
  );
  for (const ref of page.hidden) data.hidden.add(ref);
  for (const [ref, count] of page.likes) data.likes.set(ref, count);
  for (const ref of page.liked) data.liked.add(ref);
}

/** Whether a thread is the one `threadOrderOf` names (`<createdAt>#<id>` of its top-level comment). */
function isThread(thread: { id: string; comment: Comment | null }, order: string): boolean {
  if (thread.comment) return threadOrderOf(`${thread.comment.createdAt}#${thread.comment.id}`) === order;
  return order.endsWith(`#${thread.id.slice(thread.id.lastIndexOf('/') + 1)}`);
}

/** Fired after the viewer posted, edited, deleted, hid or liked something; `commentId` is its `commentRef`. */
export class InkCommentsChangeEvent extends CustomEvent<{ action: string; commentId: string }> {
  constructor(action: string, commentId: string) {
    super('ink-comments-change', { detail: { action, commentId }, bubbles: true, composed: true });
  }
}

/**
 * A post's comments: markdown, one level of replies, likes, editing and deleting one's own, and hiding
 * by the post's author. Readers need no sign-in; signing in to comment happens in a popup, so it works
 * inside the embed iframe. Reads the session from `awsSessionContext`.
 *
 * @attr post - `<authorId>/<slug>` of the post.
 * @event ink-comments-change - {@link InkCommentsChangeEvent}: the viewer changed something.
 */
export class InkComments extends LitElement {
  static override styles = styles;
  static override properties = {
    post: {},
    draft: { state: true },
    replyTo: { state: true },
    editing: { state: true },
    confirmingDelete: { state: true },
    busy: { state: true },
    message: { state: true },
    loadingMore: { state: true },
  };

  declare post: string;
  declare protected draft: string;
  /** The thread a reply is being written to. */
  declare protected replyTo: string | undefined;
  /** The `commentRef` of the comment being edited. */
  declare protected editing: string | undefined;
  /** Deleting asks twice: the widget is framed by sites Inkwell does not control (clickjacking). */
  declare protected confirmingDelete: string | undefined;
  declare protected busy: boolean;
  declare protected message: string | undefined;
  /** A "More comments" or "More replies" read in flight. */
  declare protected loadingMore: boolean;

  readonly #session = new ContextConsumer(this, { context: awsSessionContext, subscribe: true });
  readonly #onSessionChange = () => this.#comments.run();
  #watched: AwsSession | undefined;
  /**
   * The id and time of each comment being written (by form: `new`, `reply:<thread>`), kept until it is
   * stored: a retry after an error stores the same comment once, never a second one.
   */
  readonly #attempts = new Map<string, CommentAttempt>();

  constructor() {
    super();
    this.post = '';
    this.draft = '';
    this.replyTo = undefined;
    this.editing = undefined;
    this.confirmingDelete = undefined;
    this.busy = false;
    this.message = undefined;
    this.loadingMore = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#watched?.removeEventListener('change', this.#onSessionChange);
    this.#watched = undefined;
  }

  readonly #comments = new Task(this, {
    args: () => [this.#session.value, this.post] as const,
    task: async ([session, postText], { signal }): Promise<Loaded> => {
      if (!session) throw new Error('not ready');
      this.#watch(session);
      const post = parsePostRef(postText);
      if (!post)
        throw Object.assign(new Error('This comments widget names no valid post.'), { code: 'post' });
      const viewerId = session.user ? await session.identityId() : undefined;
      const page = await listCommentPage(this.#store(session), post, {
        signal,
        ...(viewerId ? { viewerId } : {}),
      });
      const data: PostComments = { comments: [], hidden: new Set(), likes: new Map(), liked: new Set() };
      mergePage(data, page);
      return { post, data, viewerId, next: page.next, continuedThread: page.continuedThread };
    },
  });

  #watch(session: AwsSession): void {
    if (this.#watched === session) return;
    this.#watched?.removeEventListener('change', this.#onSessionChange);
    this.#watched = session;
    session.addEventListener('change', this.#onSessionChange);
  }

  #store(session: AwsSession): CommentStore {
    return { documents: session.clients().documents, tableName: session.config.tableName };
  }

  override render() {
    return this.#comments.render({
      pending: () => html`<p aria-busy="true">Loading comments…</p>`,
      error: (error) => html`<p class="error" role="alert">${describeError(error)}</p>`,
      complete: (loaded) => this.#renderLoaded(loaded),
    });
  }

  #renderLoaded(loaded: Loaded): TemplateResult {
    const isAuthor = loaded.viewerId === loaded.post.authorId;
    const threads = buildThreads(loaded.data, { showHidden: isAuthor });
    const count = threads.reduce(
      (sum, thread) =>
        sum + (thread.comment && !thread.hidden ? 1 : 0) + thread.replies.filter((r) => !r.hidden).length,
      0,
    );
    // The exact count is known once every page is read; until then the heading does not guess.
    const heading = loaded.next ? 'Comments' : count === 1 ? '1 comment' : `${count} comments`;
    return html`<section aria-label="Comments">
      <header>
        <h2>${heading}</h2>
        <ink-login popup @ink-sign-out=${this.#onSignOut}></ink-login>
      </header>
      ${this.message ? html`<p class="error" role="alert">${this.message}</p>` : nothing}
      ${
        loaded.viewerId
          ? this.#renderForm('new', 'Write a comment (markdown)', 'Post comment', this.draft)
          : html`<p class="placeholder">Sign in to comment.</p>`
      }
      <ol class="threads">
        ${threads.map(
          (thread) => html`<li class="thread" data-thread-id=${thread.id}>
            ${
              thread.comment
                ? this.#renderComment(loaded, thread.comment, thread.hidden, thread.id)
                : html`<p class="placeholder">${thread.hidden ? 'This comment was hidden by the author.' : 'This comment was deleted.'}</p>`
            }
            ${
              thread.replies.length > 0 ||
              this.replyTo === thread.id ||
              (loaded.continuedThread && isThread(thread, loaded.continuedThread))
                ? html`<ol class="replies">
                  ${thread.replies.map(
                    (reply) =>
                      html`<li>${this.#renderComment(loaded, reply.comment, reply.hidden, thread.id)}</li>`,
                  )}
                  ${
                    loaded.continuedThread && isThread(thread, loaded.continuedThread)
                      ? html`<li>${this.#renderMore(loaded, 'replies')}</li>`
                      : nothing
                  }
                  ${
                    this.replyTo === thread.id
                      ? html`<li>${this.#renderForm('reply', 'Write a reply (markdown)', 'Post reply', '')}</li>`
                      : nothing
                  }
                </ol>`
                : nothing
            }
          </li>`,
        )}
      </ol>
      ${loaded.next ? this.#renderMore(loaded, 'comments') : nothing}
    </section>`;
  }

  #renderMore(loaded: Loaded, kind: 'comments' | 'replies'): TemplateResult {
    return html`<button
      class="more"
      data-more=${kind}
      ?disabled=${this.loadingMore}
      aria-busy=${this.loadingMore ? 'true' : 'false'}
      @click=${() => this.#loadMore(loaded, kind)}
    >${kind === 'comments' ? 'More comments' : 'More replies'}</button>`;
  }

  /** Reads the next page only: of the whole list, or of the thread whose replies go on. */
  async #loadMore(loaded: Loaded, kind: 'comments' | 'replies'): Promise<void> {
    const session = this.#session.value;
    if (!session || this.loadingMore || !loaded.next) return;
    this.loadingMore = true;
    this.message = undefined;
    try {
      const thread = kind === 'replies' ? loaded.continuedThread : undefined;
      const page = await listCommentPage(this.#store(session), loaded.post, {
        after: loaded.next,
        ...(thread ? { thread } : {}),
        ...(loaded.viewerId ? { viewerId: loaded.viewerId } : {}),
      });
      mergePage(loaded.data, page);
      loaded.next = page.next;
      loaded.continuedThread = page.continuedThread;
    } catch (error) {
      this.message = describeError(error);
    } finally {
      this.loadingMore = false;
      this.requestUpdate();
    }
  }

  #renderForm(kind: 'new' | 'reply' | 'edit', label: string, action: string, value: string) {
    return html`<form data-form=${kind} @submit=${(event: SubmitEvent) => this.#onSubmit(event, kind)}>
      <textarea name="body" aria-label=${label} placeholder=${label} .value=${value} required></textarea>
      <div>
        ${kind === 'new' ? nothing : html`<button type="button" @click=${this.#cancelForm}>Cancel</button>`}
        <button class="primary" type="submit" ?disabled=${this.busy}>${action}</button>
      </div>
    </form>`;
  }

  #renderComment(loaded: Loaded, comment: Comment, hidden: boolean, threadId: string): TemplateResult {
    const { viewerId, data } = loaded;
    const mine = viewerId === comment.commenterId;
    const isAuthor = viewerId === loaded.post.authorId;
    const ref = commentRef(comment);
    const likes = data.likes.get(ref) ?? 0;
    const liked = isLiked(data.liked, comment);
    if (this.editing === ref) {
      return html`<article class="comment" data-comment-id=${ref}>
        ${this.#renderForm('edit', 'Edit your comment (markdown)', 'Save', comment.body)}
      </article>`;
    }
    return html`<article class="comment ${hidden ? 'hidden' : ''}" data-comment-id=${ref}>
      <div class="meta">
        <span class="name">${comment.commenterName}</span>
        <time datetime=${comment.createdAt}>${new Date(comment.createdAt).toLocaleString()}</time>
        ${comment.updatedAt ? html`<span>(edited)</span>` : nothing}
        ${hidden ? html`<span class="badge">Hidden</span>` : nothing}
      </div>
      <div class="body">${unsafeHTML(renderPlainMarkdown(comment.body))}</div>
      <div class="actions">
        <button
          class="like"
          aria-pressed=${liked ? 'true' : 'false'}
          ?disabled=${!viewerId || this.busy}
          title=${viewerId ? (liked ? 'Unlike' : 'Like') : 'Sign in to like'}
          @click=${() => this.#run('like', ref, () => this.#toggleLike(loaded, comment, liked))}
        >♥ <span class="count">${likes}</span></button>
        ${
          viewerId && !comment.parentRef
            ? html`<button @click=${() => this.#openReply(threadId)}>Reply</button>`
            : nothing
        }
        ${
          mine && this.confirmingDelete === ref
            ? html`<span role="group" aria-label="Delete this comment?">
                Delete this comment?
                <button @click=${() => this.#run('delete', ref, () => this.#delete(loaded, comment))}>
                  Yes, delete
                </button>
                <button @click=${() => (this.confirmingDelete = undefined)}>Keep</button>
              </span>`
            : mine
              ? html`<button @click=${() => this.#openEdit(ref)}>Edit</button>
                <button @click=${() => (this.confirmingDelete = ref)}>Delete</button>`
              : nothing
        }
        ${
          isAuthor
            ? html`<button
                @click=${() => this.#run(hidden ? 'unhide' : 'hide', ref, () => this.#setHidden(loaded, comment, !hidden))}
              >${hidden ? 'Unhide' : 'Hide'}</button>`
            : nothing
        }
      </div>
    </article>`;
  }

  #openReply(threadId: string): void {
    this.editing = undefined;
    this.replyTo = threadId;
  }

  #openEdit(ref: string): void {
    this.replyTo = undefined;
    this.editing = ref;
  }

  #cancelForm(): void {
    this.replyTo = undefined;
    this.editing = undefined;
  }

  #onSignOut(event: Event): void {
    // Inside the embed, ending the provider's session would navigate this frame away: stay, as a guest.
    event.preventDefault();
    void this.#session.value?.signOut({ endProviderSession: false });
  }

  #onSubmit(event: SubmitEvent, kind: 'new' | 'reply' | 'edit'): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const body = (form.elements.namedItem('body') as HTMLTextAreaElement).value;
    const loaded = this.#comments.value;
    const session = this.#session.value;
    if (!loaded?.viewerId || !session) return;
    const viewerId = loaded.viewerId;
    const name = session.user?.name ?? 'Anonymous';
    if (kind === 'edit') {
      const comment = loaded.data.comments.find((c) => commentRef(c) === this.editing);
      if (!comment) return;
      const ref = commentRef(comment);
      void this.#run('edit', ref, async (store) => {
        const edited = await editComment(store, loaded.post, comment, body);
        loaded.data.comments = loaded.data.comments.map((c) => (commentRef(c) === ref ? edited : c));
        this.editing = undefined;
      });
      return;
    }
    const parentRef = kind === 'reply' ? this.replyTo : undefined;
    const parentCreatedAt = parentRef
      ? loaded.data.comments.find((c) => commentRef(c) === parentRef)?.createdAt
      : undefined;
    if (kind === 'new') this.draft = body;
    const formKey = parentRef ? `reply:${parentRef}` : 'new';
    void this.#run(kind, parentRef ?? '', async (store) => {
      const attempt = this.#attempts.get(formKey) ?? newCommentAttempt();
      this.#attempts.set(formKey, attempt);
      const comment = await postComment(store, {
        post: loaded.post,
        commenterId: viewerId,
        commenterName: name,
        body,
        attempt,
        ...(parentRef ? { parentRef } : {}),
        ...(parentCreatedAt ? { parentCreatedAt } : {}),
      });
      this.#attempts.delete(formKey);
      const ref = commentRef(comment);
      loaded.data.comments = [...loaded.data.comments.filter((c) => commentRef(c) !== ref), comment];
      // A retry whose text changed meets the earlier text already stored: that one stands, and the
      // new text stays in the form rather than vanishing.
      const storedEarlier = comment.body !== body.trim();
      if (storedEarlier) {
        this.message =
          'Your comment was already posted with its earlier text, as shown. Edit it to change it.';
      } else if (kind === 'new') {
        this.draft = '';
        form.reset();
      }
      if (!storedEarlier) this.replyTo = undefined;
      return ref;
    });
  }

  async #toggleLike(loaded: Loaded, comment: Comment, liked: boolean): Promise<void> {
    const session = this.#session.value;
    if (!session || !loaded.viewerId) return;
    const store = this.#store(session);
    const ref = commentRef(comment);
    const count = liked
      ? await unlikeComment(store, loaded.viewerId, loaded.post, comment)
      : await likeComment(store, loaded.viewerId, loaded.post, comment);
    // The count is read back after the write; if that read failed, the like still happened.
    const before = loaded.data.likes.get(ref) ?? 0;
    loaded.data.likes.set(ref, count ?? Math.max(0, before + (liked ? -1 : 1)));
    if (liked) {
      loaded.data.liked.delete(ref);
      loaded.data.liked.delete(comment.id);
    } else {
      loaded.data.liked.add(ref);
    }
  }

  async #delete(loaded: Loaded, comment: Comment): Promise<void> {
    const session = this.#session.value;
    if (!session) return;
    await deleteComment(this.#store(session), loaded.post, comment);
    const ref = commentRef(comment);
    loaded.data.comments = loaded.data.comments.filter((c) => commentRef(c) !== ref);
    this.confirmingDelete = undefined;
  }

  async #setHidden(loaded: Loaded, comment: Comment, hide: boolean): Promise<void> {
    const session = this.#session.value;
    if (!session) return;
    const store = this.#store(session);
    const ref = commentRef(comment);
    if (hide) {
      await hideComment(store, loaded.post, comment);
      loaded.data.hidden.add(ref);
    } else {
      // A marker written before refs names the comment by id alone.
      const legacyMarker = loaded.data.hidden.has(comment.id);
      await unhideComment(store, loaded.post, comment, { legacyMarker });
      loaded.data.hidden.delete(ref);
      loaded.data.hidden.delete(comment.id);
    }
  }

  /** Runs one user action: busy while it runs, its error shown, the list redrawn after. */
  async #run(
    action: string,
    commentId: string,
    work: (store: CommentStore) => Promise<unknown>,
  ): Promise<void> {
    const session = this.#session.value;
    if (!session || this.busy) return;
    this.busy = true;
    this.message = undefined;
    try {
      const id = await work(this.#store(session));
      this.dispatchEvent(new InkCommentsChangeEvent(action, typeof id === 'string' ? id : commentId));
    } catch (error) {
      this.message = describeError(error);
    } finally {
      this.busy = false;
      this.requestUpdate();
    }
  }
}
