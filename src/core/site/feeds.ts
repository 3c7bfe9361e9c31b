/**
 * The machine-readable parts of the site: Atom feeds (RFC 4287, https://www.rfc-editor.org/rfc/rfc4287),
 * the sitemap (https://www.sitemaps.org/protocol.html) and robots.txt (RFC 9309).
 */
import { escapeXml } from './atom-feed.ts';
import { sitePaths } from './paths.ts';
import type { SiteAuthor, SiteConfig, SitePost } from './site-model.ts';

/** How many entries a feed carries: readers poll it, so it stays small. */
export const FEED_ENTRIES = 20;

/** When a post last changed: its last published edit, never before it was first published. */
export function lastChanged(post: SitePost): string {
  return [post.publishedAt, post.updatedAt].sort().at(-1) ?? post.publishedAt;
}

const absolute = (config: SiteConfig, path: string) => `${config.siteUrl.replace(/\/+$/, '')}${path}`;

export interface FeedInput {
  config: SiteConfig;
  /** Newest first. */
  posts: readonly SitePost[];
  authors: ReadonlyMap<string, SiteAuthor>;
  /** The feed's own path, and the page it stands for. */
  feedPath: string;
  pagePath: string;
  title: string;
  /** One author's feed names them as the feed's author. */
  author?: SiteAuthor;
}

/**
 * `updated` is the newest entry's change, not the time of rendering: a feed is rewritten only when
 * its content changes, and rendering the same posts twice gives the same bytes.
 */
export function renderAtomFeed(input: FeedInput): string {
  const { config } = input;
  const posts = input.posts.slice(0, FEED_ENTRIES);
  const updated = posts.reduce(
    (max, p) => [max, lastChanged(p)].sort().at(-1) ?? max,
    posts[0]?.publishedAt ?? '1970-01-01T00:00:00.000Z',
  );
  const entries = posts.flatMap((post) => {
    const author = input.authors.get(post.authorId);
    if (!author) return [];
    const url = absolute(config, sitePaths.post(author.handle, post.slug));
    return [
      [
        '  <entry>',
        `    <id>${escapeXml(url)}</id>`,
        `    <title type="text">${escapeXml(post.title)}</title>`,
        `    <link rel="alternate" type="text/html" href="${escapeXml(url)}"/>`,
        `    <published>${escapeXml(post.publishedAt)}</published>`,
        `    <updated>${escapeXml(lastChanged(post))}</updated>`,
        `    <author><name>${escapeXml(author.name)}</name><uri>${escapeXml(absolute(config, sitePaths.author(author.handle)))}</uri></author>`,
        ...post.tags.map((tag) => `    <category term="${escapeXml(tag)}"/>`),
        post.excerpt ? `    <summary type="text">${escapeXml(post.excerpt)}</summary>` : '',
        '  </entry>',
      ]
        .filter(Boolean)
        .join('\n'),
    ];
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(absolute(config, input.pagePath))}</id>`,
    `  <title type="text">${escapeXml(input.title)}</title>`,
    `  <updated>${escapeXml(updated)}</updated>`,
    input.author
      ? `  <author><name>${escapeXml(input.author.name)}</name><uri>${escapeXml(absolute(config, sitePaths.author(input.author.handle)))}</uri></author>`
      : `  <author><name>${escapeXml(config.siteName)}</name></author>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(absolute(config, input.feedPath))}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(absolute(config, input.pagePath))}"/>`,
    '  <generator>Inkwell</generator>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/** Every published post with its last change, plus the home page and author pages. */
export function renderSitemap(
  config: SiteConfig,
  posts: readonly SitePost[],
  authors: ReadonlyMap<string, SiteAuthor>,
): string {
  const url = (path: string, lastmod?: string) =>
    `  <url><loc>${escapeXml(absolute(config, path))}</loc>${lastmod ? `<lastmod>${escapeXml(lastmod)}</lastmod>` : ''}</url>`;
  const lastChange = new Map<string, string>();
  for (const post of posts) {
    const changed = lastChanged(post);
    if ((lastChange.get(post.authorId) ?? '') < changed) lastChange.set(post.authorId, changed);
  }
  const newest = [...lastChange.values()].sort().at(-1);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    url(sitePaths.home(), newest),
    ...[...authors.values()]
      .filter((a) => lastChange.has(a.id))
      .sort((a, b) => a.handle.localeCompare(b.handle))
      .map((a) => url(sitePaths.author(a.handle), lastChange.get(a.id))),
    ...posts.flatMap((post) => {
      const author = authors.get(post.authorId);
      return author ? [url(sitePaths.post(author.handle, post.slug), lastChanged(post))] : [];
    }),
    '</urlset>',
    '',
  ].join('\n');
}

export function renderRobots(config: SiteConfig): string {
  return [
    'User-agent: *',
    'Disallow: /write',
    'Disallow: /auth/',
    'Allow: /',
    '',
    `Sitemap: ${absolute(config, sitePaths.sitemap())}`,
    '',
  ].join('\n');
}
