/**
 * islands.js: the little a rendered page does with JavaScript, loaded after the page has been read
 * (a module script: deferred, never before the text). Plain DOM, no dependencies, no AWS: reading
 * needs no credentials. The comments island is embed.js, which loads the widget when it nears view.
 *
 * - `data-island="edit"` (`data-author`, `data-slug`): the post's author, signed in in this tab, gets
 *   an Edit link. The app keeps the signed-in identity's id (not a secret: it is in every URL of the
 *   author's) in sessionStorage under IDENTITY_KEY; IAM refuses anyone else's writes anyway.
 * - `data-island="sign-in"`: a signed-in writer sees "Write" where a guest sees "Sign in".
 */
import { SIGNED_IN_IDENTITY_KEY } from '../core/signed-in-identity.ts';

function signedInIdentity(): string | null {
  try {
    return sessionStorage.getItem(SIGNED_IN_IDENTITY_KEY);
  } catch {
    return null; // storage blocked: behave as a guest
  }
}

export function mountIslands(root: ParentNode = document): void {
  const me = signedInIdentity();
  if (!me) return;
  for (const island of root.querySelectorAll<HTMLElement>('[data-island="edit"]')) {
    if (island.dataset.author !== me || !island.dataset.slug || island.childElementCount) continue;
    const link = document.createElement('a');
    link.href = `/write/${encodeURIComponent(island.dataset.slug)}`;
    link.textContent = 'Edit';
    island.append(' · ', link);
  }
  for (const link of root.querySelectorAll<HTMLAnchorElement>('a[data-island="sign-in"]')) {
    link.textContent = 'My posts';
  }
}

mountIslands();
