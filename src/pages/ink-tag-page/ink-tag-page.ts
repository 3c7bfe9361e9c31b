import { InkTagPage } from './ink-tag-page.component.ts';

customElements.define('ink-tag-page', InkTagPage);

declare global {
  interface HTMLElementTagNameMap {
    'ink-tag-page': InkTagPage;
  }
}
