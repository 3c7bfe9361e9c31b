/**
 * The page inside the embed iframe (comments.html): starts an AWS session on Inkwell's own origin
 * (guest until the reader signs in, in a popup), provides it to <ink-comments>, reports its height to
 * the host page and takes theme changes from it. Tokens and AWS keys never leave this origin (its
 * sessionStorage, or memory where the browser refuses third-party storage): the only thing sent to the
 * host is a number.
 */
import { ContextProvider } from '@lit/context';
import { css, html, LitElement } from 'lit';
import { awsSessionContext } from '../app/contexts.ts';
import { describeError } from '../app/errors.ts';
import { AwsSession } from '../aws/aws-session.ts';
import { loadRuntimeConfig } from '../config/runtime-config.ts';
import { usableStorage } from './frame-storage.ts';
import {
  acceptTheme,
  type FrameParams,
  RESIZE_MESSAGE,
  type ResizeMessage,
  readFrameParams,
} from './protocol.ts';
import '../components/ink-comments/ink-comments.ts';

export class InkCommentsFrame extends LitElement {
  static override properties = { session: { state: true }, failure: { state: true } };
  static override styles = css`
    :host {
      display: block;
      padding: 0.25rem 0.5rem 1rem;
    }
    .error {
      color: var(--ink-color-danger);
    }
  `;

  declare session: AwsSession | undefined;
  declare failure: string | undefined;
  readonly params: FrameParams = readFrameParams(location.search);
  readonly #provider = new ContextProvider(this, { context: awsSessionContext });
  readonly #resizeObserver = new ResizeObserver(() => this.#reportHeight());
  #lastHeight = -1;
  readonly #onMessage = (event: MessageEvent) => {
    if (!this.params.parent || window.parent === window) return;
    const theme = acceptTheme(event, { origin: this.params.parent, source: window.parent });
    if (theme) document.documentElement.dataset.theme = theme;
  };

  constructor() {
    super();
    this.session = undefined;
    this.failure = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.documentElement.dataset.theme = this.params.theme;
    addEventListener('message', this.#onMessage);
    this.#resizeObserver.observe(this);
    void this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('message', this.#onMessage);
    this.#resizeObserver.disconnect();
  }

  async #start(): Promise<void> {
    try {
      const session = await AwsSession.start(await loadRuntimeConfig(), {
        sessionStorage: usableStorage(() => sessionStorage),
        localStorage: usableStorage(() => localStorage),
      });
      this.#provider.setValue(session);
      this.session = session;
    } catch (error) {
      this.failure = describeError(error);
    }
  }

  /** Only a number goes to the host page, and only to the origin the loader named. */
  #reportHeight(): void {
    const { parent } = this.params;
    if (!parent || window.parent === window) return;
    const height = Math.ceil(this.getBoundingClientRect().height);
    if (height === this.#lastHeight) return;
    this.#lastHeight = height;
    const message: ResizeMessage = { type: RESIZE_MESSAGE, height };
    window.parent.postMessage(message, parent);
  }

  override render() {
    if (this.failure) return html`<p class="error" role="alert">Comments could not load: ${this.failure}</p>`;
    if (!this.session) return html`<p aria-busy="true">Loading comments…</p>`;
    return html`<ink-comments post=${this.params.post}></ink-comments>`;
  }
}

customElements.define('ink-comments-frame', InkCommentsFrame);

declare global {
  interface HTMLElementTagNameMap {
    'ink-comments-frame': InkCommentsFrame;
  }
}
