/**
 * The public site's HTML pages, rendered by the publisher into the bucket. Each reads completely with
 * JavaScript off; interactive parts (comments, sign-in) are islands that load only when needed.
 * Titles, names, tags and excerpts are text (escaped); bodies and comments come from the one
 * sanitizing markdown renderer.
 */
import { escapeHtml, html, jsonForScript, type RawHtml, raw } from './html.ts';
import { sitePaths } from './paths.ts';
import {
  countVisibleComments,
  type IndexPageSlice,
  type SiteAuthor,
  type SiteComment,
  type SiteConfig,
  type SitePost,
} from './site-model.ts';
import { SITE_CSS } from './site-styles.ts';

interface Head {
  title: string;
  description: string;
  /** Path of the page's canonical URL. */
  path: string;
  type: 'website' | 'article' | 'profile';
  image?: string;
  feed?: { path: string; title: string };
  jsonLd?: unknown;
  /** Index pages beyond the first are kept out of search results; their posts are in the sitemap. */
  noindex?: boolean;
}

const absolute = (config: SiteConfig, path: string) => `${config.siteUrl.replace(/\/+$/, '')}${path}`;

const dateText = (iso: string) =>
  new Date(iso).toLocaleDateString('en', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

function layout(config: SiteConfig, head: Head, main: RawHtml): string {
  const url = absolute(config, head.path);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${head.title}</title>
<meta name="description" content="${head.description}">
<link rel="canonical" href="${url}">
${head.noindex ? raw('<meta name="robots" content="noindex, follow">\n') : ''}<meta property="og:site_name" content="${config.siteName}">
<meta property="og:type" content="${head.type}">
<meta property="og:title" content="${head.title}">
<meta property="og:description" content="${head.description}">
<meta property="og:url" content="${url}">
${head.image ? html`<meta property="og:image" content="${head.image}">\n` : ''}<meta name="twitter:card" content="${head.image ? 'summary_large_image' : 'summary'}">
<meta name="twitter:title" content="${head.title}">
<meta name="twitter:description" content="${head.description}">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="alternate" type="application/atom+xml" title="${config.siteName}" href="${sitePaths.siteFeed()}">
${head.feed ? html`<link rel="alternate" type="application/atom+xml" title="${head.feed.title}" href="${head.feed.path}">\n` : ''}${head.jsonLd ? html`<script type="application/ld+json">${jsonForScript(head.jsonLd)}</script>\n` : ''}<style>${raw(SITE_CSS)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
<a class="brand" href="/">${config.siteName}</a>
<nav aria-label="Site"><a href="/write">Write</a><a href="/write" data-island="sign-in">Sign in</a></nav>
</header>
<main id="main">
${main}
</main>
<footer><a href="${sitePaths.siteFeed()}">Atom feed</a> · <a href="${sitePaths.sitemap()}">Sitemap</a></footer>
<script src="/islands.js" defer></script>
</body>
</html>
`.value;
}

function tagList(tags: readonly string[]): RawHtml {
  if (!tags.length) return html``;
  return html`<ul class="tags" aria-label="Tags">${tags.map((tag) => html`<li><a href="${sitePaths.tag(tag)}" rel="tag">#${tag}</a></li>`)}</ul>`;
}

function postCard(post: SitePost, author: SiteAuthor | undefined, headingLevel: 'h2' | 'h3' = 'h2'): RawHtml {
  const href = author ? sitePaths.post(author.handle, post.slug) : '#';
  const heading = html`<a href="${href}">${post.title}</a>`;
  return html`<li><article class="card">
${post.cover ? html`<img class="cover" src="${post.cover}" alt="" width="1200" height="500" loading="lazy" decoding="async">` : ''}
${headingLevel === 'h2' ? html`<h2>${heading}</h2>` : html`<h3>${heading}</h3>`}
<p class="meta">${author ? html`<a href="${sitePaths.author(author.handle)}">${author.name}</a> · ` : ''}<time datetime="${post.publishedAt}">${dateText(post.publishedAt)}</time> · ${post.readingMinutes} min read${post.comments ? html` · <a href="${href}#comments">${post.comments === 1 ? '1 comment' : `${post.comments} comments`}</a>` : ''}</p>
${post.excerpt ? html`<p>${post.excerpt}</p>` : ''}
${tagList(post.tags)}
</article></li>`;
}

export interface IndexPageInput {
  config: SiteConfig;
  slice: IndexPageSlice<SitePost>;
  authors: ReadonlyMap<string, SiteAuthor>;
  /** The index's own name ("Latest posts", "#travel", the author's name). */
  heading: string;
  description: string;
  /** Path of the index's first page, and of its archive page n. */
  firstPath: string;
  archivePath: (page: number) => string;
  /** The author, on an author's pages. */
  author?: SiteAuthor;
  feed?: { path: string; title: string };
  empty: string;
}

/** Home, an author's page, a tag's page, and their older pages. */
export function renderIndexPage(input: IndexPageInput): string {
  const { slice, config } = input;
  const path = slice.page === 0 ? input.firstPath : input.archivePath(slice.page);
  const pageLabel = slice.page === 0 ? '' : ` (page ${slice.page})`;
  const linkTo = (page: number) => (page === 0 ? input.firstPath : input.archivePath(page));
  const author = input.author;
  const main = html`${
    author
      ? html`<section class="author-card" aria-label="About the author">
${author.avatar ? html`<img class="avatar" src="${author.avatar}" alt="" width="72" height="72">` : ''}
<div><h1>${input.heading}${pageLabel}</h1>${author.bio ? html`<p>${author.bio}</p>` : ''}<p class="meta">@${author.handle}${input.feed ? html` · <a href="${input.feed.path}">Atom feed</a>` : ''}</p></div>
</section>`
      : html`<h1>${input.heading}${pageLabel}</h1>`
  }
${slice.items.length ? html`<ol class="cards">${slice.items.map((post) => postCard(post, input.authors.get(post.authorId)))}</ol>` : html`<p>${input.empty}</p>`}
${
  slice.newer !== undefined || slice.older !== undefined
    ? html`<nav class="pager" aria-label="Pagination">${slice.newer !== undefined ? html`<a rel="prev" href="${linkTo(slice.newer)}">← Newer posts</a>` : html`<span></span>`}${slice.older !== undefined ? html`<a rel="next" href="${linkTo(slice.older)}">Older posts →</a>` : ''}</nav>`
    : ''
}`;
  return layout(
    config,
    {
      title:
        slice.page === 0 && !author && input.heading === config.siteName
          ? config.siteName
          : `${input.heading}${pageLabel} · ${config.siteName}`,
      description: input.description,
      path,
      type: author ? 'profile' : 'website',
      ...(input.feed ? { feed: input.feed } : {}),
      ...(author?.avatar ? { image: author.avatar } : {}),
      noindex: slice.page !== 0,
    },
    main,
  );
}

export interface PostPageInput {
  config: SiteConfig;
  post: SitePost;
  author: SiteAuthor;
  /** The post body, already rendered by the shared sanitizing renderer. */
  bodyHtml: string;
  /** Visible comments only (hidden ones are never rendered), oldest first, replies nested. */
  comments: SiteComment[];
  /** Where the comments island mounts: the widget's `data-post` (`<authorId>/<slug>`). */
  commentsRef: string;
}

function commentList(comments: readonly SiteComment[]): RawHtml {
  return html`<ol class="comments">${comments.map(
    (comment) => html`<li class="comment" id="comment-${comment.id}"><article>
<p class="meta"><strong>${comment.removed ? 'Removed' : comment.commenterName || 'Anonymous'}</strong> · <time datetime="${comment.createdAt}">${dateText(comment.createdAt)}</time></p>
<div class="prose">${raw(comment.bodyHtml)}</div>
${comment.replies.length ? commentList(comment.replies) : ''}
</article></li>`,
  )}</ol>`;
}

export function renderPostPage(input: PostPageInput): string {
  const { config, post, author } = input;
  const path = sitePaths.post(author.handle, post.slug);
  const count = countVisibleComments(input.comments);
  const countText = count === 1 ? '1 comment' : `${count} comments`;
  const description = post.excerpt || `${post.title}, by ${author.name}`;
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'BlogPosting',
    headline: post.title,
    description,
    datePublished: post.publishedAt,
    dateModified: post.updatedAt || post.publishedAt,
    mainEntityOfPage: absolute(config, path),
    url: absolute(config, path),
    ...(post.cover ? { image: [post.cover] } : {}),
    keywords: post.tags.join(', '),
    timeRequired: `PT${post.readingMinutes}M`,
    commentCount: count,
    author: { '@type': 'Person', name: author.name, url: absolute(config, sitePaths.author(author.handle)) },
    publisher: { '@type': 'Organization', name: config.siteName, url: config.siteUrl },
  };
  const main = html`<article>
<header>
<h1>${post.title}</h1>
<p class="meta"><a href="${sitePaths.author(author.handle)}" rel="author">${author.name}</a> · <time datetime="${post.publishedAt}">${dateText(post.publishedAt)}</time> · ${post.readingMinutes} min read<span data-island="edit" data-author="${post.authorId}" data-slug="${post.slug}"></span></p>
</header>
${post.cover && !input.bodyHtml.includes(escapeHtml(post.cover)) ? html`<img class="cover" src="${post.cover}" alt="" width="1200" height="500" fetchpriority="high">` : ''}
<div class="prose">${raw(input.bodyHtml)}</div>
${tagList(post.tags)}
</article>
<section id="comments" aria-labelledby="comments-heading">
<h2 id="comments-heading">${countText}</h2>
${count ? commentList(input.comments) : html`<p>No comments yet.</p>`}
<noscript><p>Turn on JavaScript to write a comment.</p></noscript>
<script src="/embed.js" data-post="${input.commentsRef}" data-lazy="true" data-theme="light" async></script>
</section>`;
  return layout(
    config,
    {
      title: `${post.title} · ${config.siteName}`,
      description,
      path,
      type: 'article',
      ...(post.cover ? { image: post.cover } : {}),
      feed: { path: sitePaths.authorFeed(author.handle), title: `${author.name} on ${config.siteName}` },
      jsonLd,
    },
    main,
  );
}

/**
 * A page that has moved (a pre-handle URL, a renamed handle): a canonical link, an immediate refresh
 * and a plain link, so browsers, crawlers and people without JavaScript all follow it.
 */
export function renderRedirectPage(config: SiteConfig, toPath: string): string {
  const url = absolute(config, toPath);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Moved</title>
<link rel="canonical" href="${url}"><meta http-equiv="refresh" content="0; url=${toPath}"><meta name="robots" content="noindex">
</head><body><p>This page has moved to <a href="${toPath}">${url}</a>.</p></body></html>
`.value;
}

/** What the CDN answers for a URL with no page (status 404). */
export function renderNotFoundPage(config: SiteConfig): string {
  return layout(
    config,
    {
      title: `Page not found · ${config.siteName}`,
      description: 'There is no page at this address.',
      path: '/404',
      type: 'website',
      noindex: true,
    },
    html`<h1>Page not found</h1><p>There is no page at this address. <a href="/">Back to the latest posts</a></p>`,
  );
}
