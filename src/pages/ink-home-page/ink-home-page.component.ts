import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { css, html, LitElement } from 'lit';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import { links } from '../../app/routes.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import { listFeed } from '../../data/feed.ts';
import '../../components/ink-post-card/ink-post-card.ts';

/** The site-wide feed, newest first, a page at a time; the page cursor lives in the URL (?page=). */
export class InkHomePage extends LitElement {
  static override properties = { cursor: {} };
  static override styles = css`
    h1 {
      font-family: var(--ink-font-serif);
    }
    .pager {
      margin-top: 1.5rem;
    }
    .error {
      color: var(--ink-color-danger);
    }
  `;

  declare cursor: string | undefined;
  readonly #session = new ContextConsumer(this, { context: awsSessionContext, subscribe: true });

  constructor() {
    super();
    this.cursor = undefined;
  }

  readonly #feed = new Task(this, {
    args: () => [this.#session.value, this.cursor] as const,
    task: async ([session, cursor]: readonly [AwsSession | undefined, string | undefined]) => {
      if (!session) throw new Error('not ready');
      const page = await listFeed(session.clients().documents, session.config.tableName, {
        limit: 20,
        ...(cursor ? { cursor } : {}),
      });
      return page;
    },
  });

  override render() {
    document.title = 'Inkwell · Latest posts';
    return html`<h1>Latest posts</h1>
      ${this.#feed.render({
        pending: () => html`<p aria-busy="true">Loading posts…</p>`,
        error: (error) => html`<p class="error" role="alert">${describeError(error)}</p>`,
        complete: (page) => html`
          ${page.posts.length === 0 ? html`<p>No posts yet. Sign in and write the first one.</p>` : ''}
          <section aria-label="Posts">${page.posts.map((post) => html`<ink-post-card .post=${post}></ink-post-card>`)}</section>
          <nav class="pager" aria-label="Pages">
            ${this.cursor ? html`<a href="/">Newest</a>` : ''}
            ${page.next ? html`<a rel="next" href=${links.home(page.next)}>Older posts →</a>` : ''}
          </nav>
        `,
      })}`;
  }
}
