import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { createMarkdownRenderer } from './render.ts';
import { createPlainMarkdownRenderer } from './render-plain.ts';

const { window } = new JSDOM('');

describe('createPlainMarkdownRenderer (the comments widget)', () => {
  const render = createPlainMarkdownRenderer(window as never);

  it('renders markdown and leaves code unhighlighted', () => {
    const html = render('**Hi** and\n\n```ts\nconst a = 1;\n```');
    expect(html).toContain('<strong>Hi</strong>');
    expect(html).toContain('<code class="language-ts">const a = 1;\n</code>');
    expect(html).not.toContain('hljs');
  });

  it('sanitizes exactly as the highlighting renderer does', () => {
    const hostile = [
      '<img src=x onerror="alert(1)">',
      '<script>alert(2)</script>',
      '[x](javascript:alert(3))',
      '<iframe src="https://example.com"></iframe>',
      '<a href="https://example.com" onclick="alert(4)">site</a>',
    ].join('\n\n');
    const plain = render(hostile);
    expect(plain).not.toMatch(/onerror|onclick|<script|<iframe|javascript:/);
    expect(plain).toContain('rel="noopener noreferrer nofollow"');
    expect(plain).toBe(createMarkdownRenderer(window as never)(hostile));
  });
});
