import { createMarkdownRenderer } from '../core/markdown/render.ts';

/** The shared renderer bound to the page's DOM (the editor preview and the comments widget). */
export const renderMarkdown = createMarkdownRenderer(window);
