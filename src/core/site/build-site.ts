/**
 * From what the table holds to the objects of the public site, for one scope of change. Pure and
 * deterministic: the same snapshot and scope always give the same bytes, which is what makes the
 * publisher idempotent (a record delivered twice, or late, renders the same pages) and lets it write
 * only the objects whose bytes changed.
 */
import { renderAtomFeed, renderRobots, renderSitemap } from './feeds.ts';
import { renderIndexPage, renderNotFoundPage, renderPostPage, renderRedirectPage } from './pages.ts';
import { PAGES_PREFIX, pageKeyForPath, sitePaths } from './paths.ts';
import {
  byNewest,
  paginate,
  type SiteAuthor,
  type SiteComment,
  type SiteConfig,
  type SitePost,
} from './site-model.ts';

export interface SiteSnapshot {
  config: SiteConfig;
  /** Every published post (summaries), any order. */
  posts: readonly SitePost[];
  /** Authors by id, with their granted handles. */
  authors: ReadonlyMap<string, SiteAuthor>;
  /** Handles an author held before (newest last): their URLs become redirects. */
  formerHandles: ReadonlyMap<string, readonly string[]>;
}

/** What a post page needs beyond its summary. */
export interface PostDetail {
  post: SitePost;
  bodyHtml: string;
  comments: SiteComment[];
}

/** What changed: the publisher derives it from stream records. */
export interface SiteScope {
  /** Home and its older pages, the sitemap, the site feed, robots.txt. */
  indexes: boolean;
  /** Authors whose pages (and feed, and handle claim) to render. */
  authors: Set<string>;
  tags: Set<string>;
  /** Posts whose page to render, as `<authorId>/<slug>`. */
  posts: Set<string>;
}

export interface SiteObject {
  key: string;
  body: string;
  contentType: string;
  cacheControl: string;
  /**
   * Write order: 0 pages nothing else depends on being there (posts, redirects), 1 the index pages
   * that link to them, 2 the sitemap, feeds and handle claims. Written in that order, a link is never published
   * before the page it points to.
   */
  phase: 0 | 1 | 2;
}

export interface SiteBuild {
  objects: SiteObject[];
  /** Keys this scope is responsible for: any such key not among `objects` is to be deleted. */
  owns: (key: string) => boolean;
}

export const postRef = (authorId: string, slug: string) => `${authorId}/${slug}`;

/** Pages: browsers revalidate every time (cheap 304s), the CDN keeps them a minute. */
export const PAGE_CACHE_CONTROL = 'public, max-age=0, s-maxage=60';

const TYPES = {
  html: 'text/html; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;

const object = (
  path: string,
  body: string,
  contentType: string,
  phase: SiteObject['phase'] = 0,
): SiteObject => ({
  key: pageKeyForPath(path),
  body,
  contentType,
  cacheControl: PAGE_CACHE_CONTROL,
  phase,
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const keyPattern = (path: string) => escapeRegExp(pageKeyForPath(path));

export function buildSite(
  snapshot: SiteSnapshot,
  scope: SiteScope,
  details: ReadonlyMap<string, PostDetail>,
): SiteBuild {
  const { config, authors } = snapshot;
  const posts = snapshot.posts.filter((post) => authors.has(post.authorId)).sort(byNewest);
  const objects: SiteObject[] = [];
  const owned: RegExp[] = [];
  const handlesOf = (id: string) => {
    const current = authors.get(id)?.handle;
    return [...new Set([...(snapshot.formerHandles.get(id) ?? []), ...(current ? [current] : [])])];
  };

  const index = (
    list: readonly SitePost[],
    base: { firstPath: string; archivePath: (n: number) => string },
    page: Omit<
      Parameters<typeof renderIndexPage>[0],
      'slice' | 'config' | 'authors' | 'firstPath' | 'archivePath'
    >,
  ) => {
    for (const slice of paginate(list)) {
      const path = slice.page === 0 ? base.firstPath : base.archivePath(slice.page);
      objects.push(
        object(path, renderIndexPage({ config, authors, slice, ...base, ...page }), TYPES.html, 1),
      );
    }
  };

  if (scope.indexes) {
    owned.push(
      new RegExp(
        `^(?:${keyPattern('/')}|${escapeRegExp(PAGES_PREFIX)}page/\\d+|${keyPattern(sitePaths.sitemap())}|${keyPattern(sitePaths.siteFeed())}|${keyPattern(sitePaths.robots())}|${keyPattern(sitePaths.notFound())})$`,
      ),
    );
    index(
      posts,
      { firstPath: sitePaths.home(), archivePath: sitePaths.archive },
      {
        heading: config.siteName,
        description: `The latest posts on ${config.siteName}.`,
        empty: 'Nothing published yet.',
      },
    );
    objects.push(object(sitePaths.sitemap(), renderSitemap(config, posts, authors), TYPES.xml, 2));
    objects.push(
      object(
        sitePaths.siteFeed(),
        renderAtomFeed({
          config,
          posts,
          authors,
          feedPath: sitePaths.siteFeed(),
          pagePath: '/',
          title: config.siteName,
        }),
        TYPES.atom,
        2,
      ),
    );
    objects.push(object(sitePaths.robots(), renderRobots(config), TYPES.text));
    objects.push(object(sitePaths.notFound(), renderNotFoundPage(config), TYPES.html));
  }

  for (const id of scope.authors) {
    const handles = handlesOf(id);
    for (const handle of handles) {
      owned.push(new RegExp(`^${keyPattern(sitePaths.author(handle))}(?:/page/\\d+|/feed\\.atom)?$`));
    }
    owned.push(new RegExp(`^${keyPattern(sitePaths.legacyAuthor(id))}$`));
    const author = authors.get(id);
    // An author without pages (their data deleted) keeps their handles reserved: the claim files stay.
    if (!author) continue;
    for (const handle of handles) owned.push(new RegExp(`^${keyPattern(sitePaths.handleClaim(handle))}$`));
    const own = posts.filter((post) => post.authorId === id);
    const feedPath = sitePaths.authorFeed(author.handle);
    const feedTitle = `${author.name} on ${config.siteName}`;
    index(
      own,
      {
        firstPath: sitePaths.author(author.handle),
        archivePath: (n) => sitePaths.authorArchive(author.handle, n),
      },
      {
        heading: author.name,
        description: author.bio || `Posts by ${author.name} on ${config.siteName}.`,
        author,
        feed: { path: feedPath, title: feedTitle },
        empty: `${author.name} has not published anything yet.`,
      },
    );
    objects.push(
      object(
        feedPath,
        renderAtomFeed({
          config,
          posts: own,
          authors,
          feedPath,
          pagePath: sitePaths.author(author.handle),
          title: feedTitle,
          author,
        }),
        TYPES.atom,
        2,
      ),
    );
    for (const handle of handles) {
      // Last: the profile form says "live" when it sees the claim, so the pages must be there first.
      objects.push(
        object(sitePaths.handleClaim(handle), `${JSON.stringify({ handle, authorId: id })}\n`, TYPES.json, 2),
      );
      if (handle !== author.handle) {
        objects.push(
          object(
            sitePaths.author(handle),
            renderRedirectPage(config, sitePaths.author(author.handle)),
            TYPES.html,
          ),
        );
      }
    }
    objects.push(
      object(
        sitePaths.legacyAuthor(id),
        renderRedirectPage(config, sitePaths.author(author.handle)),
        TYPES.html,
      ),
    );
  }

  for (const tag of scope.tags) {
    owned.push(new RegExp(`^${keyPattern(sitePaths.tag(tag))}(?:/page/\\d+)?$`));
    const tagged = posts.filter((post) => post.tags.includes(tag));
    if (!tagged.length) continue;
    index(
      tagged,
      { firstPath: sitePaths.tag(tag), archivePath: (n) => sitePaths.tagArchive(tag, n) },
      {
        heading: `#${tag}`,
        description: `Posts tagged ${tag} on ${config.siteName}.`,
        empty: 'No posts with this tag.',
      },
    );
  }

  for (const ref of scope.posts) {
    const slash = ref.lastIndexOf('/');
    const authorId = ref.slice(0, slash);
    const slug = ref.slice(slash + 1);
    for (const handle of handlesOf(authorId))
      owned.push(new RegExp(`^${keyPattern(sitePaths.post(handle, slug))}$`));
    owned.push(new RegExp(`^${keyPattern(sitePaths.legacyPost(authorId, slug))}$`));
    const detail = details.get(ref);
    const author = authors.get(authorId);
    if (!detail || !author) continue;
    const path = sitePaths.post(author.handle, slug);
    objects.push(
      object(
        path,
        renderPostPage({
          config,
          post: detail.post,
          author,
          bodyHtml: detail.bodyHtml,
          comments: detail.comments,
          commentsRef: postRef(authorId, slug),
        }),
        TYPES.html,
      ),
    );
    for (const handle of handlesOf(authorId)) {
      if (handle !== author.handle)
        objects.push(object(sitePaths.post(handle, slug), renderRedirectPage(config, path), TYPES.html));
    }
    objects.push(object(sitePaths.legacyPost(authorId, slug), renderRedirectPage(config, path), TYPES.html));
  }

  const byKey = new Map(objects.map((o) => [o.key, o]));
  return { objects: [...byKey.values()], owns: (key) => owned.some((pattern) => pattern.test(key)) };
}
