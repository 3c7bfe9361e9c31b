import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { css, html, LitElement } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import { links } from '../../app/routes.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import { getPublishedPost } from '../../data/posts.ts';
import { renderMarkdown } from '../../markdown/render.ts';

/** One published post, rendered with the same sanitizing renderer the editor previews with. */
export class InkPostPage extends LitElement {
  static override properties = { authorId: {}, slug: {} };
  static override styles = css`
    h1 {
      font-family: var(--ink-font-serif);
      font-size: 2.2rem;
      margin-bottom: 0.25rem;
    }
    .meta {
      color: var(--ink-color-muted);
    }
    .body {
      font-family: var(--ink-font-serif);
      font-size: 1.15rem;
      line-height: 1.7;
    }
    .body img {
      max-width: 100%;
      border-radius: var(--ink-radius);
    }
    .body pre {
      overflow-x: auto;
      padding: 1rem;
      background: #f0eee8;
      border-radius: var(--ink-radius);
    }
    .tags a {
      margin-right: 0.5rem;
    }
    .error {
      color: var(--ink-color-danger);
    }
  `;

  declare authorId: string;
  declare slug: string;
  readonly #session = new ContextConsumer(this, { context: awsSessionContext, subscribe: true });

  constructor() {
    super();
    this.authorId = '';
    this.slug = '';
  }

  readonly #post = new Task(this, {
    args: () => [this.#session.value, this.authorId, this.slug] as const,
    task: async ([session, authorId, slug]: readonly [AwsSession | undefined, string, string]) => {
      if (!session) throw new Error('not ready');
      return getPublishedPost(session.clients().documents, session.config.tableName, authorId, slug);
    },
  });

  override render() {
    return this.#post.render({
      pending: () => html`<p aria-busy="true">Loading…</p>`,
      error: (error) => {
        document.title = 'Not found · Inkwell';
        return html`<p class="error" role="alert">${describeError(error)}</p>`;
      },
      complete: (post) => {
        document.title = `${post.title} · Inkwell`;
        document.querySelector('meta[name="description"]')?.setAttribute('content', post.excerpt);
        return html`<article>
          <h1>${post.title}</h1>
          <p class="meta">
            <a href=${links.author(post.authorId)}>${post.authorName}</a> ·
            <time datetime=${post.publishedAt ?? ''}>${new Date(post.publishedAt ?? post.updatedAt).toLocaleDateString(undefined, { dateStyle: 'long' })}</time>
            · ${post.readingMinutes} min read
          </p>
          <div class="body">${unsafeHTML(renderMarkdown(post.body))}</div>
          <p class="tags">${post.tags.map((tag) => html`<a href=${links.tag(tag)}>#${tag}</a>`)}</p>
        </article>`;
      },
    });
  }
}
