// The code colours readers' static pages use too (their token colours are custom properties on :root).

import { css, unsafeCSS } from 'lit';
import highlightCss from '../../styles/highlight.css?inline';

/**
 * How rendered markdown looks: the post page and the editor's preview share it, so they look the same;
 * code is coloured by styles/highlight.css.
 */
export const proseStyles = css`
  ${unsafeCSS(highlightCss)}
  .prose {
    font-family: var(--ink-font-serif);
    font-size: 1.15rem;
    line-height: 1.7;
    overflow-wrap: anywhere;
  }
  .prose img {
    max-width: 100%;
    border-radius: var(--ink-radius);
  }
  .prose pre {
    overflow-x: auto;
    padding: 1rem;
    background: var(--ink-color-code-background, #f0eee8);
    border-radius: var(--ink-radius);
    font-family: var(--ink-font-mono, monospace);
    font-size: 0.95rem;
  }
  .prose blockquote {
    margin-left: 0;
    padding-left: 1rem;
    border-left: 3px solid var(--ink-color-border);
    color: var(--ink-color-muted);
  }
  .prose table {
    border-collapse: collapse;
  }
  .prose th,
  .prose td {
    border: 1px solid var(--ink-color-border);
    padding: 0.25rem 0.5rem;
  }
`;
