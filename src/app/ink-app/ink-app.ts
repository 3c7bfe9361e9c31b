import { InkApp } from './ink-app.component.ts';

customElements.define('ink-app', InkApp);

declare global {
  interface HTMLElementTagNameMap {
    'ink-app': InkApp;
  }
}
