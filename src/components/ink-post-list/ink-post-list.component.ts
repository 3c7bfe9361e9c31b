import { css, html, LitElement, nothing } from 'lit';
import type { PostSummary } from '../../data/feed.ts';
import '../ink-post-card/ink-post-card.ts';

/**
 * A page of post cards with its pager. Page links are plain links (the cursor is in the URL), so a page
 * can be bookmarked, reloaded and shared and shows the same posts.
 */
export class InkPostList extends LitElement {
  static override properties = {
    posts: { attribute: false },
    nextHref: { attribute: 'next-href' },
    firstHref: { attribute: 'first-href' },
    emptyText: { attribute: 'empty-text' },
    label: {},
  };
  static override styles = css`
    :host {
      display: block;
    }
    nav {
      display: flex;
      justify-content: space-between;
      margin-top: 1.5rem;
    }
  `;

  declare posts: PostSummary[];
  /** The next (older) page; absent on the last page. */
  declare nextHref: string | undefined;
  /** The first page, shown when this is not it. */
  declare firstHref: string | undefined;
  declare emptyText: string;
  /** The accessible name of the list. */
  declare label: string;

  constructor() {
    super();
    this.posts = [];
    this.nextHref = undefined;
    this.firstHref = undefined;
    this.emptyText = 'No posts yet.';
    this.label = 'Posts';
  }

  override render() {
    return html`${this.posts.length === 0 ? html`<p>${this.emptyText}</p>` : nothing}
      <section aria-label=${this.label}>
        ${this.posts.map((post) => html`<ink-post-card .post=${post}></ink-post-card>`)}
      </section>
      ${
        this.nextHref || this.firstHref
          ? html`<nav aria-label="Pages">
            <span>${this.firstHref ? html`<a href=${this.firstHref}>← Newest</a>` : nothing}</span>
            <span>${this.nextHref ? html`<a rel="next" href=${this.nextHref}>Older posts →</a>` : nothing}</span>
          </nav>`
          : nothing
      }`;
  }
}
