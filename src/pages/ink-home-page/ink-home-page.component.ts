import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { html, LitElement } from 'lit';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import { links } from '../../app/routes.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import { listFeed } from '../../data/feed.ts';
import { setPageMeta } from '../page-meta.ts';
import '../../components/ink-post-list/ink-post-list.ts';
import { pageStyles } from '../page.styles.ts';

/** The site-wide feed, newest first, a page at a time; the page cursor lives in the URL (?page=). */
export class InkHomePage extends LitElement {
  static override properties = { cursor: {} };
  static override styles = pageStyles;

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
      return listFeed(session.clients().documents, session.config.tableName, {
        limit: 20,
        ...(cursor ? { cursor } : {}),
      });
    },
  });

  override render() {
    setPageMeta({
      title: this.cursor ? 'Older posts' : 'Latest posts',
      description: 'The latest posts on Inkwell, newest first.',
    });
    return html`<h1>Latest posts</h1>
      ${this.#feed.render({
        pending: () => html`<p aria-busy="true">Loading posts…</p>`,
        error: (error) => html`<p class="error" role="alert">${describeError(error)}</p>`,
        complete: (page) => html`<ink-post-list
          .posts=${page.posts}
          .nextHref=${page.next ? links.home(page.next) : undefined}
          .firstHref=${this.cursor ? links.home() : undefined}
          empty-text=${this.cursor ? 'No older posts.' : 'No posts yet. Sign in and write the first one.'}
        ></ink-post-list>`,
      })}`;
  }
}
