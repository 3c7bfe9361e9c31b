/**
 * The public site's URLs and where each lives in the bucket. One origin serves two trees:
 *
 *   pages/   what the publisher renders from the table (posts, indexes, feeds, sitemap): every URL
 *            that is not the app's. Objects are stored under the URL's path without an extension
 *            (`/@alice/my-post` is `pages/@alice/my-post`, served as text/html), so a plain S3 origin
 *            serves them with no website endpoint and no rewriting beyond the prefix.
 *   site/    the app's static build (the writer's app, sign-in callbacks, the comments frame, JS).
 *
 * The CDN (a viewer-request function) and the local dev server both route with `isAppPath`, so the
 * two agree on which tree a URL belongs to.
 */

/** Where the publisher writes. Its role may write only below this prefix. */
export const PAGES_PREFIX = 'pages/';

/** The publisher's own state (its manifest): written only by its role, served by nobody. */
export const PUBLISHER_STATE_PREFIX = 'publisher/';

/** How many posts an index page (home, author, tag, and their older pages) lists. */
export const PAGE_SIZE = 20;

/**
 * Reader views the app still renders itself (with `/`), until the reader app becomes islands over the
 * rendered pages: the publisher already renders the home and tag pages (`pages/index.html`,
 * `pages/tags/<tag>`), served at these URLs once these entries go. Readable post and author URLs
 * (`/@handle/...`), older pages, feeds, the sitemap and robots.txt are served from `pages/` now.
 */
const TRANSITIONAL_APP_READER_PREFIXES = ['/tags/', '/authors/'] as const;

/** URL path prefixes served by the app build (`site/`), not by rendered pages. */
export const APP_PATH_PREFIXES = [
  '/write',
  '/profile',
  '/media',
  '/auth/',
  '/assets/',
  '/config.json',
  '/embed.js',
  '/comments.html',
  '/islands.js',
  '/favicon',
  '/app.html',
  ...TRANSITIONAL_APP_READER_PREFIXES,
] as const;

/** Exact paths the app answers (transitional: the home page, with the reader prefixes above). */
export const APP_EXACT_PATHS = ['/'] as const;

export function isAppPath(pathname: string): boolean {
  return (
    (APP_EXACT_PATHS as readonly string[]).includes(pathname) ||
    APP_PATH_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(prefix))
  );
}

/** Handles, slugs and tags are lower-case `a-z0-9-` by validation; anything else is encoded. */
const segment = (value: string) => encodeURIComponent(value).replace(/%40/g, '@');

/** Public URLs (paths from the site's root). Older index pages are numbered from the oldest (see docs/publishing.md). */
export const sitePaths = {
  home: () => '/',
  archive: (page: number) => `/page/${page}`,
  author: (handle: string) => `/@${segment(handle)}`,
  authorArchive: (handle: string, page: number) => `/@${segment(handle)}/page/${page}`,
  post: (handle: string, slug: string) => `/@${segment(handle)}/${segment(slug)}`,
  tag: (tag: string) => `/tags/${segment(tag)}`,
  tagArchive: (tag: string, page: number) => `/tags/${segment(tag)}/page/${page}`,
  siteFeed: () => '/feed.atom',
  authorFeed: (handle: string) => `/@${segment(handle)}/feed.atom`,
  sitemap: () => '/sitemap.xml',
  robots: () => '/robots.txt',
  /** The CDN's answer to a URL with no page. */
  notFound: () => '/404.html',
  /** Pre-handle URLs, keyed by IAM identity id: kept as redirects to the readable ones. */
  legacyAuthor: (authorId: string) => `/authors/${segment(authorId)}`,
  legacyPost: (authorId: string, slug: string) => `/authors/${segment(authorId)}/posts/${segment(slug)}`,
  /** Handle claims: who holds each handle, for the profile form to tell a writer a handle is taken. */
  handleClaim: (handle: string) => `/_handles/${segment(handle)}.json`,
};

/** The object key of a public URL path: `/` is `pages/index.html`, `/@a/b` is `pages/@a/b`. */
export function pageKeyForPath(pathname: string): string {
  const path = decodeURIComponent(pathname).replace(/^\/+/, '').replace(/\/+$/, '');
  return `${PAGES_PREFIX}${path === '' ? 'index.html' : path}`;
}

/** The URL path of a page object key: the inverse of `pageKeyForPath`. */
export function pathForPageKey(key: string): string {
  const path = key.slice(PAGES_PREFIX.length);
  return path === 'index.html' ? '/' : `/${path.split('/').map(segment).join('/')}`;
}
