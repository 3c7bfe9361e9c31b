import { describe, expect, it } from 'vitest';
import type { PostSummary } from '../post-items.ts';
import { buildAtomFeed, escapeXml } from './atom-feed.ts';

const post = (over: Partial<PostSummary> = {}): PostSummary => ({
  authorId: 'us-east-1:abc',
  authorName: 'Alice',
  slug: 'hello',
  title: 'Hello',
  excerpt: 'First post',
  tags: ['aws'],
  publishedAt: '2026-11-01T10:00:00.000Z',
  readingMinutes: 1,
  ...over,
});

describe('escapeXml', () => {
  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;',
    );
    expect(escapeXml('bell\u0007 nul\u0000 tab\t ok')).toBe('bell nul tab\t ok');
    expect(escapeXml('lone \uD800 surrogate, emoji 😀')).toBe('lone  surrogate, emoji 😀');
  });
});

describe('buildAtomFeed', () => {
  const xml = buildAtomFeed({
    siteUrl: 'https://blog.example/',
    authorId: 'us-east-1:abc',
    authorName: 'Alice <Archer>',
    feedUrl: 'https://cdn.example/public/us-east-1%3Aabc/feed.atom',
    updated: '2026-11-02T00:00:00.000Z',
    posts: [
      post({ title: '</title><script>alert(1)</script>', excerpt: ']]> & <b>', tags: ['aws', 'x"y'] }),
      post({ slug: 'second', excerpt: '' }),
    ],
  });

  it('is a well-formed Atom document with one entry per post', () => {
    expect(
      xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'),
    ).toBe(true);
    expect(xml.match(/<entry>/g)).toHaveLength(2);
    expect(xml).toContain('<id>https://blog.example/authors/us-east-1%3Aabc</id>');
    expect(xml).toContain(
      '<link rel="self" type="application/atom+xml" href="https://cdn.example/public/us-east-1%3Aabc/feed.atom"/>',
    );
    expect(xml).toContain(
      '<link rel="alternate" type="text/html" href="https://blog.example/authors/us-east-1%3Aabc/posts/hello"/>',
    );
    expect(xml).toContain('<updated>2026-11-02T00:00:00.000Z</updated>');
    expect(xml).toContain('<published>2026-11-01T10:00:00.000Z</published>');
  });

  it('escapes every text so no content can add elements', () => {
    expect(xml).toContain('<title type="text">&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(xml).toContain('<summary type="text">]]&gt; &amp; &lt;b&gt;</summary>');
    expect(xml).toContain('<category term="x&quot;y"/>');
    expect(xml).toContain('<name>Alice &lt;Archer&gt;</name>');
    expect(xml).not.toContain('<script>');
    // An entry without an excerpt has no empty summary.
    expect(xml.split('<entry>')[2]).not.toContain('<summary');
  });

  it('has the feed element and no entries when nothing is published', () => {
    const empty = buildAtomFeed({
      siteUrl: 'https://b.example',
      authorId: 'a',
      authorName: '',
      feedUrl: 'f',
      updated: 'u',
      posts: [],
    });
    expect(empty).toContain('<name>Inkwell author</name>');
    expect(empty).not.toContain('<entry>');
    expect(empty.trim().endsWith('</feed>')).toBe(true);
  });
});
