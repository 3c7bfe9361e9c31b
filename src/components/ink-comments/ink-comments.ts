import { InkComments } from './ink-comments.component.ts';

export * from './ink-comments.component.ts';

customElements.define('ink-comments', InkComments);

declare global {
  interface HTMLElementTagNameMap {
    'ink-comments': InkComments;
  }
}
