import { css, html, LitElement, nothing } from 'lit';
import { links } from '../../app/routes.ts';
import '../ink-comment-count/ink-comment-count.ts';
import type { PostSummary } from '../../data/feed.ts';

/** One post in a list: title, author, date, reading time, tags, excerpt. All text is bound, never parsed. */
export class InkPostCard extends LitElement {
  static override properties = { post: { attribute: false } };
  static override styles = css`
    :host {
      display: block;
    }
    article {
      padding: 1rem 0;
      border-bottom: 1px solid var(--ink-color-border);
    }
    h2 {
      margin: 0 0 0.25rem;
      font-family: var(--ink-font-serif);
      font-size: 1.4rem;
    }
    h2 a {
      color: inherit;
      text-decoration: none;
    }
    .meta {
      color: var(--ink-color-muted);
      font-size: 0.9rem;
    }
    .tags a {
      margin-right: 0.5rem;
      color: var(--ink-color-accent);
    }
    p {
      margin: 0.5rem 0;
    }
  `;

  declare post: PostSummary;

  override render() {
    const post = this.post;
    // A summary with no author (an item in no author's partition) is not anyone's post to show.
    if (!post.authorId) return nothing;
    const date = new Date(post.publishedAt);
    return html`<article>
      <h2><a href=${links.post(post.authorId, post.slug)}>${post.title}</a></h2>
      <div class="meta">
        <a href=${links.author(post.authorId)}>${post.authorName || 'Unnamed author'}</a> ·
        <time datetime=${post.publishedAt}>${date.toLocaleDateString(undefined, { dateStyle: 'medium' })}</time> ·
        ${post.readingMinutes} min read ·
        <ink-comment-count post=${`${post.authorId}/${post.slug}`}></ink-comment-count>
      </div>
      <p>${post.excerpt}</p>
      <div class="tags">${post.tags.map((tag) => html`<a href=${links.tag(tag)}>#${tag}</a>`)}</div>
    </article>`;
  }
}
