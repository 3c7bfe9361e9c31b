import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { css, html, LitElement, nothing } from 'lit';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import { links } from '../../app/routes.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import type { InkEditorInputEvent } from '../../components/ink-editor/ink-editor.component.ts';
import { sitePaths } from '../../core/site/paths.ts';
import { defaultHandle } from '../../core/site/site-model.ts';
import {
  createPost,
  deletePost,
  getDraft,
  listMyPosts,
  type MyPostSummary,
  type PostStore,
  postStoreFor,
  publishPost,
  renameDraft,
  saveDraft,
  unpublishPost,
} from '../../data/posts.ts';
import { grantedHandle, profileStoreFor } from '../../data/profiles.ts';
import { pageStyles } from '../page.styles.ts';
import { setPageMeta } from '../page-meta.ts';
import { DraftController } from './draft-controller.ts';

const WRITE_DESCRIPTION = 'Write and publish on Inkwell. Drafts are private until you publish.';

/** Moves to another URL of the app through the router (which follows popstate). */
function goTo(href: string, replace: boolean): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  dispatchEvent(new PopStateEvent('popstate'));
}

/**
 * Writing: `/write` starts a new post, `/write/:slug` edits one of the writer's posts; below the editor,
 * the writer's own posts (drafts and published). Loaded only when someone writes, and the editor
 * (EasyMDE) in a chunk of its own.
 */
export class InkWritePage extends LitElement {
  static override properties = { slug: {}, listRevision: { state: true } };
  static override styles = [
    pageStyles,
    css`
    :host {
      display: block;
    }
    .mine {
      margin-top: 3rem;
    }
    .mine ul {
      list-style: none;
      padding: 0;
    }
    .mine li {
      display: flex;
      gap: 0.75rem;
      align-items: baseline;
      padding: 0.4rem 0;
      border-bottom: 1px solid var(--ink-color-border);
    }
    .mine li a {
      flex: 1;
    }
    .badge {
      font-size: 0.8rem;
      padding: 0.05rem 0.5rem;
      border-radius: 999px;
      border: 1px solid var(--ink-color-border);
      color: var(--ink-color-muted);
    }
    .badge.published {
      color: var(--ink-color-success);
      border-color: var(--ink-color-success-border);
    }
    time {
      color: var(--ink-color-muted);
      font-size: 0.85rem;
    }
    .error {
      color: var(--ink-color-danger);
    }
  `,
  ];

  /** The post being edited; undefined for a new post. */
  declare slug: string | undefined;
  declare protected listRevision: number;

  #controller: DraftController | undefined;
  #controllerUser: string | undefined;
  #controllerSub: string | undefined;
  readonly #onSessionChange = () => {
    // Signed out (or in as someone else): the old writer's saves stop here; their unsaved text stays on
    // this device and comes back when they sign in again.
    if (this.#controller && this.#session.value?.user?.sub !== this.#controllerSub) this.#dropController();
    this.requestUpdate();
  };
  readonly #onControllerChange = () => this.#controllerChanged();
  readonly #onOnline = () => void this.#controller?.flush();
  /** Back in view: another window may have saved this post meanwhile. */
  readonly #onVisible = () => {
    if (document.visibilityState === 'visible') void this.#controller?.checkStored();
  };
  #watched: AwsSession | undefined;
  readonly #session = new ContextConsumer(this, {
    context: awsSessionContext,
    subscribe: true,
    callback: (session) => {
      this.#watched?.removeEventListener('change', this.#onSessionChange);
      this.#watched = session;
      session?.addEventListener('change', this.#onSessionChange);
    },
  });

  constructor() {
    super();
    this.slug = undefined;
    this.listRevision = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this.#onOnline);
    addEventListener('focus', this.#onVisible);
    document.addEventListener('visibilitychange', this.#onVisible);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this.#onOnline);
    removeEventListener('focus', this.#onVisible);
    document.removeEventListener('visibilitychange', this.#onVisible);
    this.#watched?.removeEventListener('change', this.#onSessionChange);
    // Save what is pending, but no longer steer this (detached) page: a new post created by this last
    // save must not navigate back to the editor.
    const controller = this.#controller;
    controller?.removeEventListener('change', this.#onControllerChange);
    void controller?.flush().finally(() => controller.dispose());
    this.#controller = undefined;
  }

  /** Saves what the editor has not saved yet (before signing out); resolves when DynamoDB has it or failed. */
  async saveDrafts(): Promise<void> {
    await this.#controller?.flush();
  }

  #dropController(): void {
    this.#controller?.removeEventListener('change', this.#onControllerChange);
    this.#controller?.dispose();
    this.#controller = undefined;
    this.#controllerSub = undefined;
  }

  readonly #editor = new Task(this, {
    args: () => [this.#session.value, this.#session.value?.user?.sub, this.slug] as const,
    task: async ([session, sub, slug]) => {
      if (!session || !sub) return undefined;
      const [authorId] = await Promise.all([
        session.identityId(),
        import('../../components/ink-editor/ink-editor.ts'),
        import('../../components/ink-post-media/ink-post-media.ts'),
      ]);
      const current = this.#controller;
      const same =
        current && this.#controllerUser === authorId && (current.saved?.slug ?? undefined) === slug;
      if (same) return current;
      if (current) {
        current.removeEventListener('change', this.#onControllerChange);
        void current.flush().finally(() => current.dispose());
      }
      const controller = this.#newController(session, authorId);
      if (slug) controller.startExisting(await getDraft(postStoreFor(session), authorId, slug));
      else controller.startNew();
      this.#controller = controller;
      this.#controllerUser = authorId;
      this.#controllerSub = sub;
      controller.addEventListener('change', this.#onControllerChange);
      return controller;
    },
  });

  readonly #mine = new Task(this, {
    args: () => [this.#session.value, this.#session.value?.user?.sub, this.listRevision] as const,
    task: async ([session, sub]) => {
      if (!session || !sub) return [] as MyPostSummary[];
      const page = await listMyPosts(postStoreFor(session), await session.identityId(), { limit: 50 });
      return page.items;
    },
  });

  /** The handle the author's pages are at, for the readable "View post" link. */
  readonly #handle = new Task(this, {
    args: () => [this.#session.value, this.#session.value?.user?.sub] as const,
    task: async ([session, sub]) => {
      if (!session || !sub) return undefined;
      const authorId = await session.identityId();
      // No profile, or no answer: the default handle's URLs redirect to wherever the pages are.
      return grantedHandle(profileStoreFor(session), authorId).catch(() => defaultHandle(authorId));
    },
  });

  #newController(session: AwsSession, authorId: string): DraftController {
    const store = (): PostStore => postStoreFor(session);
    const site = { siteUrl: location.origin };
    return new DraftController({
      authorId,
      authorName: session.user?.name ?? 'Anonymous',
      storage: localStorage,
      operations: {
        load: (slug) => getDraft(store(), authorId, slug),
        create: (input) => createPost(store(), input),
        save: (post) => saveDraft(store(), post),
        rename: (post, slug) => renameDraft(store(), post, slug),
        publish: (post) => publishPost(store(), post, site),
        unpublish: (post) => unpublishPost(store(), post, site),
        remove: (post) => deletePost(store(), post, site),
      },
    });
  }

  #lastSlug: string | undefined;
  #lastStatus: string | undefined;

  #controllerChanged(): void {
    const saved = this.#controller?.saved;
    // The post got an address (created) or a new one (renamed): the URL follows, without a reload.
    if (saved && saved.slug !== this.slug) goTo(links.write(saved.slug), true);
    if (saved?.slug !== this.#lastSlug || saved?.status !== this.#lastStatus) {
      this.#lastSlug = saved?.slug;
      this.#lastStatus = saved?.status;
      this.listRevision++;
    }
    this.requestUpdate();
  }

  async #delete(): Promise<void> {
    const controller = this.#controller;
    if (!controller) return;
    if (await controller.remove()) {
      controller.dispose();
      controller.removeEventListener('change', this.#onControllerChange);
      this.#controller = undefined;
      this.listRevision++;
      if (this.slug) goTo(links.write(), false);
      else this.#editor.run();
    }
  }

  override render() {
    const session = this.#session.value;
    if (session && !session.user) {
      setPageMeta({ title: 'Write', description: WRITE_DESCRIPTION });
      return html`<h1>Write</h1>
        <p>Sign in to write. Your drafts are private: only you can read them until you publish.</p>`;
    }
    // While the URL follows a save (new post created, renamed), the task re-runs for the same post: keep
    // the editor on screen rather than flashing the pending state and losing the cursor.
    const controller = this.#controller;
    const current =
      controller && this.#controllerSub === session?.user?.sub && controller.saved?.slug === this.slug;
    if (current) return html`${this.#renderEditor(controller)} ${this.#renderMine()}`;
    return html`${this.#editor.render({
      pending: () => html`<p aria-busy="true">Loading the editor…</p>`,
      error: (error) => {
        setPageMeta({ title: 'Write', description: WRITE_DESCRIPTION });
        return html`<h1>Write</h1>
            <p class="error" role="alert">${describeError(error)}</p>
            <p><a href=${links.write()}>Start a new post</a></p>`;
      },
      complete: (controller) => (controller ? this.#renderEditor(controller) : nothing),
    })}
      ${this.#renderMine()}`;
  }

  #renderEditor(controller: DraftController) {
    const saved = controller.saved;
    const published = saved?.status === 'published';
    const pending = published && (saved.version !== saved.publishedVersion || controller.unsaved);
    setPageMeta({
      title: saved ? `Editing “${controller.fields.title || saved.slug}”` : 'New post',
      description: WRITE_DESCRIPTION,
    });
    let status = controller.statusText;
    if (controller.state === 'saved') {
      status += published ? (pending ? ' · changes not published yet' : ' · published') : ' · draft';
    }
    const theirs = controller.conflict?.theirs;
    return html`<h1>${saved ? 'Edit post' : 'New post'}</h1>
      <ink-post-media><ink-editor
        .fields=${controller.fields}
        .revision=${controller.revision}
        .slugEdited=${controller.slugEdited}
        .state=${controller.state}
        .statusText=${status}
        .problem=${controller.problem}
        .published=${published}
        .pendingChanges=${pending}
        .busy=${controller.busy}
        .exists=${Boolean(saved)}
        .postUrl=${saved ? sitePaths.post(this.#handle.value ?? defaultHandle(saved.authorId), saved.slug) : undefined}
        .notice=${controller.notice}
        .conflict=${
          theirs
            ? {
                theirs: { ...theirs, version: theirs.version, updatedAt: theirs.updatedAt },
                yours: controller.conflict!.yours,
              }
            : undefined
        }
        @ink-input=${(event: InkEditorInputEvent) => controller.update(event.detail.fields, event.detail.slugEdited)}
        @ink-publish=${() => void controller.publish()}
        @ink-unpublish=${() => void controller.unpublish()}
        @ink-delete=${() => void this.#delete()}
        @ink-keep-mine=${() => void controller.keepMine()}
        @ink-take-theirs=${() => controller.takeTheirs()}
        @ink-dismiss-notice=${() => controller.dismissNotice()}
      ></ink-editor></ink-post-media>`;
  }

  #renderMine() {
    return html`<section class="mine" aria-labelledby="mine-title">
      <h2 id="mine-title">My posts</h2>
      ${this.#mine.render({
        pending: () => html`<p aria-busy="true">Loading your posts…</p>`,
        error: (error) => html`<p class="error" role="alert">${describeError(error)}</p>`,
        complete: (posts: MyPostSummary[]) =>
          posts.length === 0
            ? html`<p>Nothing yet: your drafts and published posts will be listed here.</p>`
            : html`<ul>
                ${posts.map(
                  (post) => html`<li>
                    <a href=${links.write(post.slug)}>${post.title || post.slug}</a>
                    <span class="badge ${post.status}">${post.status === 'published' ? 'Published' : 'Draft'}</span>
                    <time datetime=${post.updatedAt}>${new Date(post.updatedAt).toLocaleDateString()}</time>
                  </li>`,
                )}
              </ul>`,
      })}
    </section>`;
  }
}
