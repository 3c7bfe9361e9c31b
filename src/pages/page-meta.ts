const SITE = 'Inkwell';
const DEFAULT_DESCRIPTION = 'Inkwell: blogs written in the browser, stored in your own AWS account.';

/** Sets the document title and meta description for the page on screen (what tabs, history and shares show). */
export function setPageMeta(meta: { title?: string; description?: string }): void {
  document.title = meta.title ? `${meta.title} · ${SITE}` : SITE;
  let tag = document.querySelector<HTMLMetaElement>('meta[name="description"]');
  if (!tag) {
    tag = document.createElement('meta');
    tag.name = 'description';
    document.head.append(tag);
  }
  tag.content = meta.description?.trim() || DEFAULT_DESCRIPTION;
}
