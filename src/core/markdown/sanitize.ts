import DOMPurify, { type WindowLike } from 'dompurify';

const SAFE_URL = /^(?:https?:|mailto:|\/|#|\.{0,2}\/|[^:]*$)/i;

/** Sanitizer settings: markdown may carry HTML, and a hostile client can store anything. */
const SANITIZE = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style'],
};

export type MarkdownRenderer = (markdown: string) => string;

/**
 * The sanitizer every markdown renderer ends in (with or without code highlighting): scripts, event
 * handlers, frames and unsafe URLs never survive; outside links open in a new tab without a referrer.
 */
export function createHtmlSanitizer(window: WindowLike): (html: string) => string {
  const purify = DOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    for (const attribute of ['href', 'src', 'xlink:href', 'action', 'formaction']) {
      const value = node.getAttribute(attribute);
      if (value !== null && !SAFE_URL.test(value.trim())) node.removeAttribute(attribute);
    }
    if (node.tagName === 'A' && node.getAttribute('href')?.startsWith('http')) {
      node.setAttribute('rel', 'noopener noreferrer nofollow');
      node.setAttribute('target', '_blank');
    }
  });
  return (html) => purify.sanitize(html, SANITIZE) as string;
}
