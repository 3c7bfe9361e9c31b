/**
 * The provider's own server-rendered pages. Plain HTML with labelled controls, because end-to-end
 * tests find them by role and accessible name ("Sign in as Alice Archer", "Or sign in with any name").
 */
import type { LocalAccount } from './accounts.ts';

export const LOGIN_PAGE_TITLE = 'Sign in to Inkwell (local)';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f6f5f2; color: #1d1d1b; margin: 0; }
  main { max-width: 26rem; margin: 4rem auto; padding: 2rem; background: #fff; border-radius: 0.75rem;
         box-shadow: 0 1px 4px rgb(0 0 0 / 0.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  p.note { color: #5c5b57; font-size: 0.9rem; }
  p.error { color: #a4161a; font-weight: 600; }
  ul { list-style: none; padding: 0; margin: 0 0 1.5rem; display: grid; gap: 0.5rem; }
  button { font: inherit; padding: 0.6rem 1rem; border-radius: 0.5rem; border: 1px solid #2f5d50;
           background: #2f5d50; color: #fff; cursor: pointer; width: 100%; }
  button.secondary { background: #fff; color: #2f5d50; }
  label { display: block; font-weight: 600; margin-bottom: 0.4rem; }
  input { font: inherit; padding: 0.55rem; width: 100%; box-sizing: border-box; margin-bottom: 0.6rem;
          border: 1px solid #b9b7b0; border-radius: 0.5rem; }
  form + form { margin-top: 1rem; }
`;

function page(title: string, body: string, headExtra = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>${headExtra}
</head>
<body><main>${body}</main></body>
</html>`;
}

export interface LoginPageInput {
  /** Where the forms post to: the interaction's login route. */
  action: string;
  /** Where "Cancel" posts to: tells the app the user declined. */
  abortAction: string;
  accounts: readonly LocalAccount[];
  clientId: string;
  error?: string;
  typedName?: string;
}

export function renderLoginPage(input: LoginPageInput): string {
  const buttons = input.accounts
    .map(
      (account) =>
        `<li><button type="submit" name="account" value="${escapeHtml(account.sub)}">Sign in as ${escapeHtml(account.name)}</button></li>`,
    )
    .join('\n');
  const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
  return page(
    LOGIN_PAGE_TITLE,
    `<h1>${escapeHtml(LOGIN_PAGE_TITLE)}</h1>
<p class="note">A local stand-in identity provider: no passwords. ${escapeHtml(input.clientId)} asked you to sign in.</p>
${error}
<form method="post" action="${escapeHtml(input.action)}" aria-label="Demo accounts">
<ul>
${buttons}
</ul>
</form>
<form method="post" action="${escapeHtml(input.action)}">
<label for="name">Or sign in with any name</label>
<input id="name" name="name" autocomplete="name" required maxlength="100" value="${escapeHtml(input.typedName ?? '')}">
<button type="submit">Continue</button>
</form>
<form method="post" action="${escapeHtml(input.abortAction)}">
<button type="submit" class="secondary">Cancel</button>
</form>`,
  );
}

/**
 * oidc-provider's end-session confirmation. `form` is its hidden form (with the XSRF token) that the
 * buttons submit. When the app sent an id_token_hint the sign-out is clearly its request, so the page
 * submits itself; without one (anyone can link here) the user confirms.
 */
export function renderLogoutPage(form: string, autoSubmit: boolean): string {
  const script = autoSubmit
    ? `<script>
const form = document.getElementById('op.logoutForm');
const logout = Object.assign(document.createElement('input'), { type: 'hidden', name: 'logout', value: 'yes' });
form.append(logout);
form.submit();
</script>`
    : '';
  return page(
    'Sign out of Inkwell (local)',
    `<h1>Sign out of Inkwell (local)?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<p></p>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>
${script}`,
  );
}

export function renderSignedOutPage(): string {
  return page('Signed out', '<h1>Signed out</h1><p>You are signed out of Inkwell (local).</p>');
}

export function renderErrorPage(details: Record<string, string | undefined>): string {
  const rows = Object.entries(details)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(String(value))}</dd>`)
    .join('');
  return page('Sign-in error', `<h1>Sign-in error</h1><dl>${rows}</dl>`);
}
