import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { css, html, LitElement, nothing } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import { links } from '../../app/routes.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import { getPublishedPost } from '../../data/posts.ts';
import { proseStyles } from '../../markdown/prose.styles.ts';
import { pageStyles } from '../page.styles.ts';
import { setPageMeta } from '../page-meta.ts';

/** One published post, rendered with the same sanitizing renderer the editor previews with. */
export class InkPostPage extends LitElement {
  static override properties = { authorId: {}, slug: {} };
  static override styles = [
    proseStyles,
    pageStyles,
    css`
      h1 {
        font-size: 2.2rem;
      }
    `,
  ];

  declare authorId: string;
  declare slug: string;
  readonly #session = new ContextConsumer(this, { context: awsSessionContext, subscribe: true });
  readonly #onSessionChange = () => this.#post.run();
  #watched: AwsSession | undefined;

  constructor() {
    super();
    this.authorId = '';
    this.slug = '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#watched?.removeEventListener('change', this.#onSessionChange);
  }

  readonly #post = new Task(this, {
    args: () => [this.#session.value, this.authorId, this.slug] as const,
    task: async ([session, authorId, slug]: readonly [AwsSession | undefined, string, string]) => {
      if (!session) throw new Error('not ready');
      if (this.#watched !== session) {
        this.#watched?.removeEventListener('change', this.#onSessionChange);
        this.#watched = session;
        session.addEventListener('change', this.#onSessionChange);
      }
      // Only the author is offered the editor; IAM would refuse anyone else's writes anyway. The author
      // may have published a moment ago: their read is consistent (docs/data-model.md#consistency).
      const mine = session.user ? (await session.identityId().catch(() => '')) === authorId : false;
      // The renderer (marked, highlight.js, DOMPurify) loads alongside the post, not before the first page.
      const [post, { renderMarkdown }] = await Promise.all([
        getPublishedPost(session.clients().documents, session.config.tableName, authorId, slug, {
          consistent: mine,
        }),
        import('../../markdown/render.ts'),
      ]);
      return { post, mine, html: renderMarkdown(post.body) };
    },
  });

  override render() {
    return this.#post.render({
      pending: () => html`<p aria-busy="true">Loading…</p>`,
      error: (error) => {
        setPageMeta({ title: 'Not found' });
        return html`<p class="error" role="alert">${describeError(error)}</p>
          <p><a href="/">Back to the latest posts</a></p>`;
      },
      complete: ({ post, mine, html: body }) => {
        // Comments sit below the article: their code loads after the post shows, not before.
        void import('../../components/ink-comments/ink-comments.ts');
        setPageMeta({ title: post.title, description: post.excerpt });
        return html`<article>
          <h1>${post.title}</h1>
          <p class="meta">
            <a href=${links.author(post.authorId)}>${post.authorName || 'Unnamed author'}</a> ·
            <time datetime=${post.publishedAt}>${new Date(post.publishedAt).toLocaleDateString(undefined, { dateStyle: 'long' })}</time>
            · ${post.readingMinutes} min read
            ${mine ? html` · <a href=${links.write(post.slug)}>Edit</a>` : nothing}
          </p>
          <div class="prose body">${unsafeHTML(body)}</div>
          <p class="tags">${post.tags.map((tag) => html`<a href=${links.tag(tag)}>#${tag}</a>`)}</p>
          <ink-comments post=${`${post.authorId}/${post.slug}`}></ink-comments>
        </article>`;
      },
    });
  }
}
