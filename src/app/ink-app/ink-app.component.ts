import { ContextProvider } from '@lit/context';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { AwsSession } from '../../aws/aws-session.ts';
import { indexedDbJournal } from '../../aws/upload-journal.ts';
import type { InkSignOutEvent } from '../../components/ink-login/ink-login.component.ts';
import { loadRuntimeConfig } from '../../config/runtime-config.ts';
import { awsSessionContext } from '../contexts.ts';
import { type DeviceDraft, deviceDrafts, forgetUser } from '../forget-user.ts';
import { Router } from '../router.ts';
import { ROUTES, type RouteName } from '../routes.ts';
import { chooseScheme, currentScheme, onSystemSchemeChange } from '../theme.ts';
import { styles } from './ink-app.styles.ts';
import '../../components/ink-login/ink-login.ts';
import '../../components/ink-activity-panel/ink-activity-panel.ts';
import '../../pages/ink-author-page/ink-author-page.ts';
import '../../pages/ink-home-page/ink-home-page.ts';
import '../../pages/ink-post-page/ink-post-page.ts';
import '../../pages/ink-tag-page/ink-tag-page.ts';

/**
 * The app shell: loads the runtime config, starts the AWS session (guest until someone signs in),
 * provides it to every element, and renders the page for the current URL. Its header has the colour
 * scheme toggle, and signing out goes through it: drafts are saved first (or, when they cannot be,
 * discarded only if the writer says so), then everything kept on this device for that writer is
 * forgotten.
 */
export class InkApp extends LitElement {
  static override styles = styles;
  static override properties = {
    session: { state: true },
    failure: { state: true },
    unsavedDrafts: { state: true },
    signingOut: { state: true },
  };

  declare session: AwsSession | undefined;
  declare failure: string | undefined;
  /** Drafts that could not be saved before signing out: the writer decides. */
  declare unsavedDrafts: DeviceDraft[];
  declare signingOut: boolean;
  readonly router = new Router<RouteName>(ROUTES, 'not-found');
  readonly #provider = new ContextProvider(this, { context: awsSessionContext });

  constructor() {
    super();
    this.session = undefined;
    this.failure = undefined;
    this.unsavedDrafts = [];
    this.signingOut = false;
  }

  #stopFollowingSystem: (() => void) | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#stopFollowingSystem = onSystemSchemeChange(() => this.requestUpdate());
    this.router.addEventListener('change', () => this.requestUpdate());
    this.router.start();
    void this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopFollowingSystem?.();
  }

  #toggleScheme(): void {
    chooseScheme(currentScheme() === 'dark' ? 'light' : 'dark');
    this.requestUpdate();
  }

  async #onSignOut(event: InkSignOutEvent): Promise<void> {
    const session = this.session;
    if (!session?.user || this.signingOut) return;
    event.preventDefault();
    this.signingOut = true;
    try {
      const authorId = await session.identityId().catch(() => undefined);
      await this.renderRoot.querySelector('ink-write-page')?.saveDrafts();
      const unsaved = authorId ? deviceDrafts(localStorage, authorId).filter((draft) => draft.unsaved) : [];
      if (unsaved.length > 0) {
        this.unsavedDrafts = unsaved;
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLDialogElement>('dialog.sign-out')?.showModal();
        return;
      }
      await this.#signOut(session, authorId);
    } finally {
      this.signingOut = false;
    }
  }

  #staySignedIn(): void {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.sign-out')?.close();
    this.unsavedDrafts = [];
  }

  async #discardAndSignOut(): Promise<void> {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.sign-out')?.close();
    const session = this.session;
    if (!session?.user) return;
    this.signingOut = true;
    try {
      await this.#signOut(session, await session.identityId().catch(() => undefined));
    } finally {
      this.signingOut = false;
    }
  }

  async #signOut(session: AwsSession, authorId: string | undefined): Promise<void> {
    this.unsavedDrafts = [];
    const device = {
      local: localStorage,
      session: sessionStorage,
      ...(typeof indexedDB === 'undefined' ? {} : { journal: indexedDbJournal() }),
    };
    // Before (the tokens leave storage; the client keeps them in memory to end the provider's session)
    // and after (a save that was still running may have kept its copy again).
    if (authorId) await forgetUser(device, authorId);
    await session.signOut();
    if (authorId) await forgetUser(device, authorId);
  }

  async #start(): Promise<void> {
    try {
      const config = await loadRuntimeConfig();
      const session = await AwsSession.start(config);
      session.addEventListener('change', () => this.requestUpdate());
      this.#provider.setValue(session);
      this.session = session;
      const route = this.router.current.name;
      if (route === 'auth-callback' || route === 'auth-popup-callback') {
        const returnTo = await session.completeSignIn();
        if (route === 'auth-callback') this.router.navigate(returnTo ?? '/', { replace: true });
      }
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    }
  }

  override render(): TemplateResult {
    const route = this.router.current;
    const signedIn = Boolean(this.session?.user);
    return html`
      <header>
        <a class="brand" href="/">Inkwell</a>
        <nav aria-label="Main">
          <a href="/" aria-current=${route.name === 'home' ? 'page' : 'false'}>Home</a>
          ${signedIn ? html`<a href="/write" aria-current=${route.name === 'write' ? 'page' : 'false'}>Write</a>` : nothing}
          ${signedIn ? html`<a href="/profile" aria-current=${route.name === 'profile' ? 'page' : 'false'}>Profile</a>` : nothing}
        </nav>
        <button
          type="button"
          class="scheme"
          aria-pressed=${currentScheme() === 'dark' ? 'true' : 'false'}
          @click=${this.#toggleScheme}
        >
          Dark mode
        </button>
        ${this.session ? html`<ink-login @ink-sign-out=${this.#onSignOut}></ink-login>` : nothing}
      </header>
      <main>${this.#page()}</main>
      ${this.session ? html`<ink-activity-panel></ink-activity-panel>` : nothing}
      ${this.#renderSignOutDialog()}
    `;
  }

  #renderSignOutDialog(): TemplateResult | typeof nothing {
    // Only while there is something to decide: a closed dialog would still be in the page's names.
    if (this.unsavedDrafts.length === 0) return nothing;
    return html`<dialog
      class="sign-out"
      aria-labelledby="sign-out-title"
      aria-describedby="sign-out-why"
      @close=${() => {
        this.unsavedDrafts = [];
      }}
    >
      <h2 id="sign-out-title">Changes not saved to your account</h2>
      <p id="sign-out-why">
        These could not be saved (are you offline?). Signing out removes them from this device.
      </p>
      <ul>
        ${this.unsavedDrafts.map((draft) => html`<li>${draft.title}</li>`)}
      </ul>
      <div class="choices">
        <button
          type="button"
          autofocus
          @click=${this.#staySignedIn}
        >
          Stay signed in
        </button>
        <button type="button" class="danger" @click=${this.#discardAndSignOut}>Discard and sign out</button>
      </div>
    </dialog>`;
  }

  #page(): TemplateResult {
    if (this.failure) return html`<p class="error" role="alert">Inkwell could not start: ${this.failure}</p>`;
    if (!this.session) return html`<p>Loading…</p>`;
    const { name, params, query } = this.router.current;
    switch (name) {
      case 'home':
        return html`<ink-home-page .cursor=${query.get('page') ?? undefined}></ink-home-page>`;
      case 'post':
        return html`<ink-post-page .authorId=${params.author ?? ''} .slug=${params.slug ?? ''}></ink-post-page>`;
      case 'author':
        return html`<ink-author-page
          .authorId=${params.author ?? ''}
          .cursor=${query.get('page') ?? undefined}
        ></ink-author-page>`;
      case 'tag':
        return html`<ink-tag-page
          .tag=${params.tag ?? ''}
          .cursor=${query.get('page') ?? undefined}
          .author=${query.get('author') ?? undefined}
          .from=${query.get('from') ?? undefined}
          .to=${query.get('to') ?? undefined}
        ></ink-tag-page>`;
      case 'write':
        // Readers never download the writing code: it loads when someone opens /write.
        void import('../../pages/ink-write-page/ink-write-page.ts');
        return html`<ink-write-page .slug=${params.slug}></ink-write-page>`;
      case 'profile':
        void import('../../pages/ink-profile-page/ink-profile-page.ts');
        return html`<ink-profile-page></ink-profile-page>`;
      case 'auth-callback':
      case 'auth-popup-callback':
        return html`<p>Signing you in…</p>`;
      default:
        document.title = 'Not found · Inkwell';
        return html`<h1>Page not found</h1><p><a href="/">Back to the latest posts</a></p>`;
    }
  }
}
