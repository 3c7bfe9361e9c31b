/**
 * An author's Atom feed (RFC 4287, https://www.rfc-editor.org/rfc/rfc4287) from their latest published
 * posts. Pure: the publish path uploads the result to the bucket. Every text is XML-escaped, and
 * characters XML 1.0 forbids are dropped, so a title or excerpt can never break the document.
 */
import type { PostSummary } from '../post-items.ts';

export interface AtomFeedInput {
  /** The app's origin, e.g. https://blog.example.com: entry links point at the post pages there. */
  siteUrl: string;
  authorId: string;
  authorName: string;
  /** Where the feed itself is served (rel="self"). */
  feedUrl: string;
  /** The feed's `updated`: when it was last rewritten (a publish or unpublish). */
  updated: string;
  posts: PostSummary[];
}

/** Characters XML 1.0 does not allow at all, even escaped (C0 controls except tab, LF, CR; lone surrogates). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function postUrl(siteUrl: string, authorId: string, slug: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/authors/${encodeURIComponent(authorId)}/posts/${encodeURIComponent(slug)}`;
}

export function buildAtomFeed(input: AtomFeedInput): string {
  const site = input.siteUrl.replace(/\/+$/, '');
  const authorUrl = `${site}/authors/${encodeURIComponent(input.authorId)}`;
  const name = input.authorName || 'Inkwell author';
  const entries = input.posts.map((post) => {
    const url = postUrl(site, post.authorId, post.slug);
    return [
      '  <entry>',
      `    <id>${escapeXml(url)}</id>`,
      `    <title type="text">${escapeXml(post.title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(url)}"/>`,
      `    <published>${escapeXml(post.publishedAt)}</published>`,
      `    <updated>${escapeXml(post.publishedAt)}</updated>`,
      ...post.tags.map((tag) => `    <category term="${escapeXml(tag)}"/>`),
      post.excerpt ? `    <summary type="text">${escapeXml(post.excerpt)}</summary>` : '',
      '  </entry>',
    ]
      .filter(Boolean)
      .join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(authorUrl)}</id>`,
    `  <title type="text">${escapeXml(`${name} on Inkwell`)}</title>`,
    `  <updated>${escapeXml(input.updated)}</updated>`,
    `  <author><name>${escapeXml(name)}</name><uri>${escapeXml(authorUrl)}</uri></author>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(input.feedUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(authorUrl)}"/>`,
    '  <generator>Inkwell</generator>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
