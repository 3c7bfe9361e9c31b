import type { RouteDefinition } from './router.ts';

export type RouteName =
  | 'home'
  | 'author'
  | 'post'
  | 'tag'
  | 'write'
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
  { name: 'auth-callback', pattern: '/auth/callback' },
  { name: 'auth-popup-callback', pattern: '/auth/popup-callback' },
];

export const links = {
  home: (cursor?: string) => (cursor ? `/?page=${encodeURIComponent(cursor)}` : '/'),
  author: (authorId: string) => `/authors/${encodeURIComponent(authorId)}`,
  post: (authorId: string, slug: string) =>
    `/authors/${encodeURIComponent(authorId)}/posts/${encodeURIComponent(slug)}`,
  tag: (tag: string) => `/tags/${encodeURIComponent(tag)}`,
  write: (slug?: string) => (slug ? `/write/${encodeURIComponent(slug)}` : '/write'),
};
