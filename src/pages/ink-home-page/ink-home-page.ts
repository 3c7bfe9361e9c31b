import { InkHomePage } from './ink-home-page.component.ts';

customElements.define('ink-home-page', InkHomePage);

declare global {
  interface HTMLElementTagNameMap {
    'ink-home-page': InkHomePage;
  }
}
