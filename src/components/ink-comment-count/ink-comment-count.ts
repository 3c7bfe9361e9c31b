import { InkCommentCount } from './ink-comment-count.component.ts';

export * from './ink-comment-count.component.ts';

customElements.define('ink-comment-count', InkCommentCount);

declare global {
  interface HTMLElementTagNameMap {
    'ink-comment-count': InkCommentCount;
  }
}
