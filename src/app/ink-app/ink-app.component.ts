import { ContextProvider } from '@lit/context';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { AwsSession } from '../../aws/aws-session.ts';
import { loadRuntimeConfig } from '../../config/runtime-config.ts';
import { awsSessionContext } from '../contexts.ts';
import { Router } from '../router.ts';
import { ROUTES, type RouteName } from '../routes.ts';
import { styles } from './ink-app.styles.ts';
import '../../components/ink-login/ink-login.ts';
import '../../components/ink-activity-panel/ink-activity-panel.ts';
import '../../pages/ink-author-page/ink-author-page.ts';
import '../../pages/ink-home-page/ink-home-page.ts';
import '../../pages/ink-post-page/ink-post-page.ts';
import '../../pages/ink-tag-page/ink-tag-page.ts';

/**
 * The app shell: loads the runtime config, starts the AWS session (guest until someone signs in),
 * provides it to every element, and renders the page for the current URL.
 */
export class InkApp extends LitElement {
  static override styles = styles;
  static override properties = {
    session: { state: true },
    failure: { state: true },
  };

  declare session: AwsSession | undefined;
  declare failure: string | undefined;
  readonly router = new Router<RouteName>(ROUTES, 'not-found');
  readonly #provider = new ContextProvider(this, { context: awsSessionContext });

  constructor() {
    super();
    this.session = undefined;
    this.failure = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.router.addEventListener('change', () => this.requestUpdate());
    this.router.start();
    void this.#start();
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
        ${this.session ? html`<ink-login></ink-login>` : nothing}
      </header>
      <main>${this.#page()}</main>
      ${this.session ? html`<ink-activity-panel></ink-activity-panel>` : nothing}
    `;
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
