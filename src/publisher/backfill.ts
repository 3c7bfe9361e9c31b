/**
 * Renders the whole site from the table: the first start, a new deployment, or a stream that lost
 * records. Posts go in chunks, the manifest saved after each, so a killed run resumes where it was
 * (every page already written is unchanged, so not written again); then every index, author and tag.
 */
import { postRef, type SiteScope } from '../core/site/build-site.ts';
import { type PublisherDeps, type PublishResult, publishScope } from './publish.ts';
import { readAllPosts } from './read-site.ts';

export interface BackfillProgress {
  done: number;
  total: number;
  written: number;
}

export async function backfill(
  deps: PublisherDeps,
  options: { chunk?: number; onProgress?: (progress: BackfillProgress) => void } = {},
): Promise<PublishResult> {
  const chunk = options.chunk ?? 50;
  const posts = await readAllPosts(deps.reader, deps.now?.());
  const total: PublishResult = { written: [], deleted: [], unchanged: 0 };
  const add = (result: PublishResult) => {
    total.written.push(...result.written);
    total.deleted.push(...result.deleted);
    total.unchanged += result.unchanged;
  };
  const none = (): SiteScope => ({ indexes: false, authors: new Set(), tags: new Set(), posts: new Set() });
  // Handles first: every post page is rendered at its author's granted handle.
  const authors = new Set(posts.map((p) => p.authorId));
  add(await publishScope(deps, { ...none(), authors }, { known: posts, widen: false }));
  for (let i = 0; i < posts.length; i += chunk) {
    const scope = none();
    for (const post of posts.slice(i, i + chunk)) scope.posts.add(postRef(post.authorId, post.slug));
    add(await publishScope(deps, scope, { known: posts, widen: false }));
    options.onProgress?.({
      done: Math.min(posts.length, i + chunk),
      total: posts.length,
      written: total.written.length,
    });
  }
  add(
    await publishScope(
      deps,
      {
        indexes: true,
        authors,
        tags: new Set(posts.flatMap((p) => p.tags)),
        posts: new Set(),
      },
      { known: posts, widen: false },
    ),
  );
  options.onProgress?.({ done: posts.length, total: posts.length, written: total.written.length });
  return total;
}
