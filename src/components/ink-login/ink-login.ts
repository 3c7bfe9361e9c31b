import { InkLogin, type InkSignInEvent, type InkSignOutEvent } from './ink-login.component.ts';

export * from './ink-login.component.ts';

customElements.define('ink-login', InkLogin);

declare global {
  interface HTMLElementTagNameMap {
    'ink-login': InkLogin;
  }
  interface HTMLElementEventMap {
    'ink-sign-in': InkSignInEvent;
    'ink-sign-out': InkSignOutEvent;
  }
}
