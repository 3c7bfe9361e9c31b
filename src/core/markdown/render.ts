import type { WindowLike } from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import { Marked } from 'marked';
import { markedHighlight } from 'marked-highlight';
import { createHtmlSanitizer, type MarkdownRenderer } from './sanitize.ts';

hljs.registerLanguage('bash', bash);
hljs.registerLanguage('css', css);
hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('js', javascript);
hljs.registerLanguage('json', json);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('ts', typescript);
hljs.registerLanguage('html', xml);
hljs.registerLanguage('xml', xml);

const marked = new Marked(
  { gfm: true, breaks: false, async: false },
  markedHighlight({
    emptyLangClass: 'hljs',
    langPrefix: 'hljs language-',
    highlight(code, lang) {
      return lang && hljs.getLanguage(lang) ? hljs.highlight(code, { language: lang }).value : code;
    },
  }),
);

export type { MarkdownRenderer } from './sanitize.ts';

/**
 * Markdown to sanitized HTML: the one renderer the editor's preview and the publisher's static pages
 * share, so what the writer previews is exactly what readers get (the comments widget uses the same
 * parser and sanitizer without the highlighter: render-plain.ts). DOMPurify
 * needs a DOM: the browser passes `window`, Node (the publisher) a jsdom window.
 */
export function createMarkdownRenderer(window: WindowLike): MarkdownRenderer {
  const sanitize = createHtmlSanitizer(window);
  return (markdown) => sanitize(marked.parse(markdown) as string);
}
