import { InkPostPage } from './ink-post-page.component.ts';

customElements.define('ink-post-page', InkPostPage);

declare global {
  interface HTMLElementTagNameMap {
    'ink-post-page': InkPostPage;
  }
}
