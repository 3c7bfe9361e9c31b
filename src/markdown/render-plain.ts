import { createPlainMarkdownRenderer } from '../core/markdown/render-plain.ts';

/** The page-bound renderer without code highlighting (the comments widget: no highlight.js for readers). */
export const renderPlainMarkdown = createPlainMarkdownRenderer(window);
