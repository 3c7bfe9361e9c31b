import type { WindowLike } from 'dompurify';
import { Marked } from 'marked';
import { createHtmlSanitizer, type MarkdownRenderer } from './sanitize.ts';

const marked = new Marked({ gfm: true, breaks: false, async: false });

/**
 * Markdown to sanitized HTML like createMarkdownRenderer, with code blocks left unhighlighted: the
 * comments widget's renderer, so a reader's browser never downloads highlight.js to show a comment.
 * The markup is the same except for the highlighter's spans (`<pre><code class="language-ts">`).
 */
export function createPlainMarkdownRenderer(window: WindowLike): MarkdownRenderer {
  const sanitize = createHtmlSanitizer(window);
  return (markdown) => sanitize(marked.parse(markdown) as string);
}
