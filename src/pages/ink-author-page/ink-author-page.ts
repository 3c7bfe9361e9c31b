import { InkAuthorPage } from './ink-author-page.component.ts';

customElements.define('ink-author-page', InkAuthorPage);

declare global {
  interface HTMLElementTagNameMap {
    'ink-author-page': InkAuthorPage;
  }
}
