import { InkWritePage } from './ink-write-page.component.ts';

customElements.define('ink-write-page', InkWritePage);

declare global {
  interface HTMLElementTagNameMap {
    'ink-write-page': InkWritePage;
  }
}
