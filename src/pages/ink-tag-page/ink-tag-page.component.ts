import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { css, html, LitElement, nothing } from 'lit';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import { links } from '../../app/routes.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import { listTag, listTagByAuthor, postStoreFor } from '../../data/posts.ts';
import { setPageMeta } from '../page-meta.ts';
import '../../components/ink-post-list/ink-post-list.ts';
import { pageStyles } from '../page.styles.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Posts with one tag, newest first: site-wide, within a date range (?from=&to=, whole days), or one
 * author's (?author=). Paged by a cursor in the URL.
 */
export class InkTagPage extends LitElement {
  static override properties = { tag: {}, cursor: {}, author: {}, from: {}, to: {} };
  static override styles = [
    pageStyles,
    css`
    form {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: end;
      margin-bottom: 1rem;
      color: var(--ink-color-muted);
    }
    label {
      display: grid;
      font-size: 0.9rem;
    }
    input,
    button {
      font: inherit;
    }
  `,
  ];

  declare tag: string;
  declare cursor: string | undefined;
  declare author: string | undefined;
  declare from: string | undefined;
  declare to: string | undefined;
  readonly #session = new ContextConsumer(this, { context: awsSessionContext, subscribe: true });

  constructor() {
    super();
    this.tag = '';
    this.cursor = undefined;
    this.author = undefined;
    this.from = undefined;
    this.to = undefined;
  }

  readonly #page = new Task(this, {
    args: () => [this.#session.value, this.tag, this.cursor, this.author, this.from, this.to] as const,
    task: async ([session, tag, cursor, author, from, to]: readonly [
      AwsSession | undefined,
      string,
      string | undefined,
      string | undefined,
      string | undefined,
      string | undefined,
    ]) => {
      if (!session) throw new Error('not ready');
      const store = postStoreFor(session);
      const paging = { limit: 20, ...(cursor ? { cursor } : {}) };
      if (author) return listTagByAuthor(store, author, tag, paging);
      return listTag(store, tag, {
        ...paging,
        ...(from && DAY.test(from) ? { from } : {}),
        ...(to && DAY.test(to) ? { to } : {}),
      });
    },
  });

  #filter(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const from = String(data.get('from') ?? '');
    const to = String(data.get('to') ?? '');
    history.pushState(null, '', links.tag(this.tag, { ...(from ? { from } : {}), ...(to ? { to } : {}) }));
    dispatchEvent(new PopStateEvent('popstate'));
  }

  override render() {
    const range = { ...(this.from ? { from: this.from } : {}), ...(this.to ? { to: this.to } : {}) };
    const scope = this.author ? { author: this.author } : range;
    return html`<h1>#${this.tag}</h1>
      ${
        this.author
          ? nothing
          : html`<form @submit=${this.#filter} aria-label="Date range">
            <label>From <input type="date" name="from" .value=${this.from ?? ''} /></label>
            <label>To <input type="date" name="to" .value=${this.to ?? ''} /></label>
            <button type="submit">Show</button>
            ${this.from || this.to ? html`<a href=${links.tag(this.tag)}>All dates</a>` : nothing}
          </form>`
      }
      ${this.#page.render({
        pending: () => html`<p aria-busy="true">Loading posts…</p>`,
        error: (error) => html`<p class="error" role="alert">${describeError(error)}</p>`,
        complete: (page) => {
          const by = this.author && page.posts[0] ? ` by ${page.posts[0].authorName}` : '';
          setPageMeta({
            title: `#${this.tag}${by}`,
            description: `Posts tagged ${this.tag}${by} on Inkwell.`,
          });
          return html`<ink-post-list
            label=${`Posts tagged ${this.tag}`}
            .posts=${page.posts}
            .nextHref=${page.next ? links.tag(this.tag, { ...scope, cursor: page.next }) : undefined}
            .firstHref=${this.cursor ? links.tag(this.tag, scope) : undefined}
            empty-text="No posts with this tag."
          ></ink-post-list>`;
        },
      })}`;
  }
}
