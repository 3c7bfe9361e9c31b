import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonForScript, raw } from './html.ts';
import { isAppPath, pageKeyForPath, pathForPageKey, sitePaths } from './paths.ts';
import { defaultHandle, isClaimableHandle, paginate } from './site-model.ts';

describe('index pagination, numbered from the oldest', () => {
  const posts = Array.from({ length: 45 }, (_, i) => 45 - i); // newest first: 45 … 1

  it('shows the newest page first and links to the archive page holding the next older post', () => {
    const [first, ...archive] = paginate(posts, 20);
    expect(first!.items).toEqual(posts.slice(0, 20));
    // Post 25 (the 21st newest) is the 25th oldest: archive page 2 holds posts 21-40.
    expect(first!.older).toBe(2);
    expect(archive.map((p) => [p.page, p.items[0], p.items.at(-1), p.older, p.newer])).toEqual([
      [1, 20, 1, undefined, 2],
      [2, 40, 21, 1, 3],
      [3, 45, 41, 2, 0],
    ]);
  });

  it('a new post changes only the first page and the newest archive page', () => {
    const before = paginate(posts, 20);
    const after = paginate([46, ...posts], 20);
    const changed = after.filter((slice, i) => JSON.stringify(slice) !== JSON.stringify(before[i]));
    expect(changed.map((s) => s.page)).toEqual([0, 3]);
  });

  it('an empty index is one empty page', () => {
    expect(paginate([], 20)).toEqual([{ page: 0, items: [] }]);
  });
});

describe('site paths', () => {
  it('maps URLs to page keys and back', () => {
    expect(pageKeyForPath('/')).toBe('pages/index.html');
    expect(pageKeyForPath(sitePaths.post('alice', 'my-post'))).toBe('pages/@alice/my-post');
    expect(pathForPageKey('pages/@alice/my-post')).toBe('/@alice/my-post');
    expect(pathForPageKey('pages/index.html')).toBe('/');
  });

  it('routes the app’s own URLs to the app build and every other to the rendered pages', () => {
    for (const path of [
      '/write',
      '/write/my-post',
      '/auth/callback',
      '/assets/index-abc.js',
      '/config.json',
      '/embed.js',
      '/comments.html',
      '/',
    ])
      expect(isAppPath(path), path).toBe(true);
    for (const path of ['/@alice', '/@alice/my-post', '/feed.atom', '/sitemap.xml', '/robots.txt', '/page/2'])
      expect(isAppPath(path), path).toBe(false);
  });
});

describe('handles', () => {
  it('accepts readable handles and refuses reserved or malformed ones', () => {
    expect(isClaimableHandle('alice')).toBe(true);
    expect(isClaimableHandle('alice-archer')).toBe(true);
    for (const bad of ['al', 'Alice', '-alice', 'alice-', 'a--b', 'u-123456789abc', 'ali*', 'a'.repeat(31)])
      expect(isClaimableHandle(bad), bad).toBe(false);
  });

  it('gives unclaimed authors a stable default handle no one can claim', () => {
    const handle = defaultHandle('us-east-1:1234');
    expect(handle).toBe(defaultHandle('us-east-1:1234'));
    expect(handle).toMatch(/^u-[0-9a-f]{12}$/);
    expect(isClaimableHandle(handle)).toBe(false);
  });
});

describe('the page template', () => {
  it('escapes every value unless it is marked raw', () => {
    const title = '<script>alert(1)</script>"\'&';
    expect(html`<h1 title="${title}">${title}</h1>`.value).toBe(
      `<h1 title="${escapeHtml(title)}">${escapeHtml(title)}</h1>`,
    );
    expect(html`<div>${raw('<b>ok</b>')}</div>`.value).toBe('<div><b>ok</b></div>');
  });

  it('keeps JSON-LD from closing its script element', () => {
    expect(jsonForScript({ headline: '</script><script>alert(1)</script>' }).value).not.toContain(
      '</script>',
    );
  });
});
