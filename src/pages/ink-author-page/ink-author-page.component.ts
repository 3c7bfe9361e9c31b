import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { html, LitElement, nothing } from 'lit';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import { links } from '../../app/routes.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import { authorFeedKey, getAuthorPostCount, listAuthorPosts, postStoreFor } from '../../data/posts.ts';
import { setPageMeta } from '../page-meta.ts';
import '../../components/ink-post-list/ink-post-list.ts';
import { pageStyles } from '../page.styles.ts';

/** One author's published posts, newest first, paged by a cursor in the URL; with their Atom feed. */
export class InkAuthorPage extends LitElement {
  static override properties = { authorId: {}, cursor: {} };
  static override styles = pageStyles;

  declare authorId: string;
  declare cursor: string | undefined;
  readonly #session = new ContextConsumer(this, { context: awsSessionContext, subscribe: true });

  constructor() {
    super();
    this.authorId = '';
    this.cursor = undefined;
  }

  readonly #page = new Task(this, {
    args: () => [this.#session.value, this.authorId, this.cursor] as const,
    task: async ([session, authorId, cursor]: readonly [
      AwsSession | undefined,
      string,
      string | undefined,
    ]) => {
      if (!session) throw new Error('not ready');
      const store = postStoreFor(session);
      const [page, count] = await Promise.all([
        listAuthorPosts(store, authorId, { limit: 20, ...(cursor ? { cursor } : {}) }),
        getAuthorPostCount(store, authorId),
      ]);
      const feedUrl = `${session.config.assetBaseUrl}${authorFeedKey(authorId).split('/').map(encodeURIComponent).join('/')}`;
      return { page, count, feedUrl };
    },
  });

  override render() {
    return this.#page.render({
      pending: () => html`<p aria-busy="true">Loading posts…</p>`,
      error: (error) => {
        setPageMeta({ title: 'Author' });
        return html`<p class="error" role="alert">${describeError(error)}</p>`;
      },
      complete: ({ page, count, feedUrl }) => {
        const name = page.posts[0]?.authorName || 'This author';
        setPageMeta({ title: name, description: `Posts by ${name} on Inkwell.` });
        const tags = [...new Set(page.posts.flatMap((post) => post.tags))].sort();
        return html`<h1>${name}</h1>
          <p class="meta">
            ${count === 1 ? '1 post' : `${count} posts`}
            ${count > 0 ? html` · <a href=${feedUrl} type="application/atom+xml" target="_blank">Atom feed</a>` : nothing}
          </p>
          ${
            tags.length
              ? html`<p class="tags" aria-label="Tags">
                ${tags.map((tag) => html`<a href=${links.tag(tag, { author: this.authorId })}>#${tag}</a>`)}
              </p>`
              : nothing
          }
          <ink-post-list
            .posts=${page.posts}
            .nextHref=${page.next ? links.author(this.authorId, page.next) : undefined}
            .firstHref=${this.cursor ? links.author(this.authorId) : undefined}
            empty-text="No published posts."
          ></ink-post-list>`;
      },
    });
  }
}
