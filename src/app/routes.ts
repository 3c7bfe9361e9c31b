import type { RouteDefinition } from './router.ts';

export type RouteName =
  | 'home'
  | 'author'
  | 'post'
  | 'tag'
  | 'write'
  | 'profile'
  | 'auth-callback'
  | 'auth-popup-callback'
  | 'not-found';

/** Every URL the app answers. Author ids are IAM identity ids, so they are URL-encoded in links. */
export const ROUTES: RouteDefinition<RouteName>[] = [
  { name: 'home', pattern: '/' },
  { name: 'author', pattern: '/authors/:author' },
  { name: 'post', pattern: '/authors/:author/posts/:slug' },
  { name: 'tag', pattern: '/tags/:tag' },
  { name: 'write', pattern: '/write{/:slug}?' },
  { name: 'profile', pattern: '/profile' },
  { name: 'auth-callback', pattern: '/auth/callback' },
  { name: 'auth-popup-callback', pattern: '/auth/popup-callback' },
];

export const links = {
  home: (cursor?: string) => (cursor ? `/?page=${encodeURIComponent(cursor)}` : '/'),
  author: (authorId: string, cursor?: string) =>
    `/authors/${encodeURIComponent(authorId)}${cursor ? `?page=${encodeURIComponent(cursor)}` : ''}`,
  post: (authorId: string, slug: string) =>
    `/authors/${encodeURIComponent(authorId)}/posts/${encodeURIComponent(slug)}`,
  /** A tag's posts; optionally one author's, within dates (YYYY-MM-DD), from a page cursor. */
  tag: (tag: string, options: { cursor?: string; author?: string; from?: string; to?: string } = {}) => {
    const query = new URLSearchParams();
    if (options.author) query.set('author', options.author);
    if (options.from) query.set('from', options.from);
    if (options.to) query.set('to', options.to);
    if (options.cursor) query.set('page', options.cursor);
    const search = query.toString();
    return `/tags/${encodeURIComponent(tag)}${search ? `?${search}` : ''}`;
  },
  write: (slug?: string) => (slug ? `/write/${encodeURIComponent(slug)}` : '/write'),
  profile: () => '/profile',
};
