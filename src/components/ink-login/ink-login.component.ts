import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { awsSessionContext } from '../../app/contexts.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import { styles } from './ink-login.styles.ts';

export interface InkSignInDetail {
  providerId: string;
  popup: boolean;
}

/** The user picked a provider. Cancel it to start sign-in yourself. */
export class InkSignInEvent extends CustomEvent<InkSignInDetail> {
  constructor(detail: InkSignInDetail) {
    super('ink-sign-in', { detail, bubbles: true, composed: true, cancelable: true });
  }
}

/** The user asked to sign out. Cancel it to sign out yourself (or to confirm first). */
export class InkSignOutEvent extends CustomEvent<Record<string, never>> {
  constructor() {
    super('ink-sign-out', { detail: {}, bubbles: true, composed: true, cancelable: true });
  }
}

/** What to tell the user for each error code the auth and credential layers use. */
const MESSAGES: Record<string, string> = {
  'unknown-provider': 'That sign-in option is not available.',
  'provider-unsupported': 'That sign-in option is not available in this app yet.',
  'provider-unreachable': 'The sign-in service could not be reached. Check your connection and try again.',
  'popup-blocked': 'Your browser blocked the sign-in window. Allow popups for this site and try again.',
  'sign-in-cancelled': 'Sign-in was cancelled.',
  'sign-in-failed': 'Signing in failed. Please try again.',
  'callback-invalid': 'That sign-in link has expired. Please sign in again.',
  'session-expired': 'Your sign-in has expired. Please sign in again.',
  'identity-rejected': 'AWS did not accept your sign-in. Please sign in again.',
};

function messageFor(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return (typeof code === 'string' && MESSAGES[code]) || 'Something went wrong. Please try again.';
}

/**
 * Sign-in control for the header: "Sign in" with a menu of the configured providers, or the user's
 * name and "Sign out". Reads the session from `awsSessionContext`.
 *
 * @event ink-sign-in - {@link InkSignInEvent}: a provider was picked. Unless cancelled, the element
 *   then calls `session.signIn(providerId, { popup })`.
 * @event ink-sign-out - {@link InkSignOutEvent}: "Sign out" was clicked. Unless cancelled, the element
 *   then calls `session.signOut()`.
 *
 * @csspart button - The "Sign in" and "Sign out" buttons.
 * @csspart menu - The provider menu.
 * @csspart user - The signed-in user's name.
 * @csspart error - The message shown when signing in or out failed.
 */
export class InkLogin extends LitElement {
  static override styles = styles;
  static override properties = {
    popup: { type: Boolean, reflect: true },
    menuOpen: { state: true },
    busy: { state: true },
    errorMessage: { state: true },
  };

  /** Sign in in a popup window instead of leaving the page. */
  declare popup: boolean;
  declare protected menuOpen: boolean;
  declare protected busy: boolean;
  declare protected errorMessage: string | undefined;

  readonly #onSessionChange = () => this.requestUpdate();
  readonly #onDocumentClick = (event: MouseEvent) => {
    if (this.menuOpen && !event.composedPath().includes(this)) this.menuOpen = false;
  };
  #watched: AwsSession | undefined;
  readonly #session = new ContextConsumer(this, {
    context: awsSessionContext,
    subscribe: true,
    callback: (session) => this.#watch(session),
  });

  constructor() {
    super();
    this.popup = false;
    this.menuOpen = false;
    this.busy = false;
    this.errorMessage = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('click', this.#onDocumentClick);
    if (this.#watched) this.#watch(this.#watched);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('click', this.#onDocumentClick);
    this.#watched?.removeEventListener('change', this.#onSessionChange);
  }

  #watch(session: AwsSession | undefined): void {
    this.#watched?.removeEventListener('change', this.#onSessionChange);
    this.#watched = session;
    session?.addEventListener('change', this.#onSessionChange);
    this.requestUpdate();
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('menuOpen') && this.menuOpen) {
      this.renderRoot.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    }
  }

  override render() {
    const session = this.#session.value;
    if (!session) return nothing;
    const error = this.errorMessage
      ? html`<p class="error" part="error" role="alert">${this.errorMessage}</p>`
      : nothing;
    const user = session.user;
    if (user) {
      return html`<span class="user" part="user" title=${user.email ?? user.name}>${user.name}</span>
        <button class="quiet" part="button" ?disabled=${this.busy} @click=${this.#signOut}>Sign out</button>
        ${error}`;
    }
    const providers = session.providers;
    return html`<button
        part="button"
        aria-haspopup="menu"
        aria-expanded=${this.menuOpen ? 'true' : 'false'}
        aria-controls="providers"
        ?disabled=${this.busy || providers.length === 0}
        title=${providers.length === 0 ? 'No sign-in providers are configured' : ''}
        @click=${this.#toggleMenu}
      >
        Sign in
      </button>
      ${
        this.menuOpen
          ? html`<ul id="providers" role="menu" part="menu" aria-label="Sign in with" @keydown=${this.#onMenuKeydown}>
            ${providers.map(
              (provider) =>
                html`<li role="none">
                  <button role="menuitem" data-provider=${provider.id} @click=${() => this.#signIn(provider.id)}>
                    ${provider.label}
                  </button>
                </li>`,
            )}
          </ul>`
          : nothing
      }
      ${error}`;
  }

  #toggleMenu(): void {
    this.errorMessage = undefined;
    this.menuOpen = !this.menuOpen;
  }

  #onMenuKeydown(event: KeyboardEvent): void {
    const items = [...this.renderRoot.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const index = items.indexOf(
      this.renderRoot.querySelector<HTMLElement>('[role="menuitem"]:focus') ?? items[0]!,
    );
    if (event.key === 'Escape') {
      this.menuOpen = false;
      this.renderRoot.querySelector<HTMLElement>('[aria-haspopup]')?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(index + step + items.length) % items.length]?.focus();
    }
  }

  #signIn(providerId: string): void {
    this.menuOpen = false;
    const event = new InkSignInEvent({ providerId, popup: this.popup });
    if (!this.dispatchEvent(event)) return;
    const session = this.#session.value;
    if (!session) return;
    this.busy = true;
    // Called synchronously from the click, so a popup still counts as opened by the user.
    session
      .signIn(providerId, { popup: this.popup })
      .catch((error: unknown) => {
        console.warn('[ink-login] sign-in failed', error);
        this.errorMessage = messageFor(error);
      })
      .finally(() => {
        this.busy = false;
      });
  }

  #signOut(): void {
    if (!this.dispatchEvent(new InkSignOutEvent())) return;
    const session = this.#session.value;
    if (!session) return;
    this.busy = true;
    session
      .signOut()
      .catch((error: unknown) => {
        console.warn('[ink-login] sign-out failed', error);
        this.errorMessage = messageFor(error);
      })
      .finally(() => {
        this.busy = false;
      });
  }
}
