import { InkProfilePage } from './ink-profile-page.component.ts';

customElements.define('ink-profile-page', InkProfilePage);

declare global {
  interface HTMLElementTagNameMap {
    'ink-profile-page': InkProfilePage;
  }
}
