/**
 * One render of the public site for a scope of change: read the table, build the pages, write the
 * ones whose bytes changed and delete the ones that no longer exist. Idempotent: running it twice, or
 * for records that arrive late or twice, writes nothing the second time.
 */

import { mapWithConcurrency } from '../core/concurrency.ts';
import type { MarkdownRenderer } from '../core/markdown/render.ts';
import { buildSite, type PostDetail, postRef, type SiteScope } from '../core/site/build-site.ts';
import {
  countVisibleComments,
  defaultHandle,
  type SiteAuthor,
  type SiteConfig,
  type SitePost,
} from '../core/site/site-model.ts';
import { formerHandles, grantHandles, siteAuthor } from './handles.ts';
import { readAllPosts, readPostDetail, readProfiles, type TableReader } from './read-site.ts';
import { objectHash, type SiteStore } from './site-store.ts';

export interface PublisherDeps {
  reader: TableReader;
  store: SiteStore;
  config: SiteConfig;
  render: MarkdownRenderer;
  now?: () => Date;
  /**
   * Runs renders one at a time. The manifest (hashes and handle claims) is read, changed and written
   * by each render, so two at once would lose one's changes. On AWS the function's reserved
   * concurrency of 1 does this across invocations; in one process (the local runner and a backfill
   * together) this lock does.
   */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** A lock for `PublisherDeps.exclusive`: work runs in call order, one at a time. */
export function createExclusive(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = tail.then(work, work);
    tail = run.catch(() => {});
    return run;
  };
}

export interface PublishResult {
  written: string[];
  deleted: string[];
  unchanged: number;
}

const splitRef = (ref: string) => {
  const slash = ref.lastIndexOf('/');
  return { authorId: ref.slice(0, slash), slug: ref.slice(slash + 1) };
};

export function publishScope(
  deps: PublisherDeps,
  requested: SiteScope,
  options: { known?: readonly SitePost[]; widen?: boolean } = {},
): Promise<PublishResult> {
  const work = () => renderScope(deps, requested, options);
  return deps.exclusive ? deps.exclusive(work) : work();
}

async function renderScope(
  deps: PublisherDeps,
  requested: SiteScope,
  options: {
    /** Every published post, when the caller has just read them (the backfill). */
    known?: readonly SitePost[];
    /** Whether changed comment counts and author names pull in the pages that show them (default). */
    widen?: boolean;
  } = {},
): Promise<PublishResult> {
  const scope: SiteScope = {
    indexes: requested.indexes,
    authors: new Set(requested.authors),
    tags: new Set(requested.tags),
    posts: new Set(requested.posts),
  };
  const manifest = await deps.store.loadManifest();
  const widen = options.widen ?? true;
  const listed = options.known ?? (await readAllPosts(deps.reader, deps.now?.()));

  // The index is eventually consistent: the posts this scope names are read by key and win.
  const details = new Map<string, PostDetail>();
  const byRef = new Map<string, SitePost>(listed.map((p) => [postRef(p.authorId, p.slug), p]));
  const loadDetails = async (refs: Iterable<string>) => {
    await mapWithConcurrency(
      [...refs].filter((ref) => !details.has(ref)),
      8,
      async (ref) => {
        const { authorId, slug } = splitRef(ref);
        const detail = await readPostDetail(deps.reader, authorId, slug, deps.render);
        const old = byRef.get(ref);
        for (const tag of old?.tags ?? []) scope.tags.add(tag);
        if (detail) {
          details.set(ref, detail);
          byRef.set(ref, detail.post);
          for (const tag of detail.post.tags) scope.tags.add(tag);
          const count = countVisibleComments(detail.comments);
          const countChanged = manifest.commentCounts[ref] !== count;
          manifest.commentCounts[ref] = count;
          if (countChanged && widen) {
            // The count shows on cards: every index listing the post changes with it.
            scope.indexes = true;
            scope.authors.add(authorId);
          }
        } else if (old || manifest.commentCounts[ref] !== undefined) {
          delete manifest.commentCounts[ref];
          byRef.delete(ref);
          scope.indexes = true;
          scope.authors.add(authorId);
        }
      },
    );
  };
  await loadDetails(scope.posts);
  const posts = [...byRef.values()];

  const authorIds = new Set([...posts.map((p) => p.authorId), ...scope.authors]);
  const profiles = await readProfiles(deps.reader, [...authorIds]);
  grantHandles(
    manifest,
    [...scope.authors].flatMap((id) => (profiles.has(id) ? [profiles.get(id)!] : [])),
  );
  const latestName = new Map<string, string>();
  for (const post of [...posts].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt))) {
    if (post.authorName) latestName.set(post.authorId, post.authorName);
  }
  const authors = new Map<string, SiteAuthor>();
  const published = new Set(posts.map((post) => post.authorId));
  for (const id of authorIds) {
    // Neither a profile nor a published post (the author deleted their data): no pages at all.
    if (!profiles.has(id) && !published.has(id)) continue;
    authors.set(id, siteAuthor(manifest, id, profiles.get(id), latestName.get(id) ?? ''));
  }

  // An author whose name or handle changed is on every page of theirs: render them all.
  for (const id of scope.authors) {
    const author = authors.get(id);
    if (!author) {
      delete manifest.rendered[id];
      continue;
    }
    const signature = `${author.handle}\n${author.name}`;
    if (manifest.rendered[id] === signature) continue;
    manifest.rendered[id] = signature;
    if (!widen) continue;
    scope.indexes = true;
    for (const post of posts) {
      if (post.authorId !== id) continue;
      scope.posts.add(postRef(id, post.slug));
      for (const tag of post.tags) scope.tags.add(tag);
    }
  }
  await loadDetails(scope.posts);

  const build = buildSite(
    {
      config: deps.config,
      posts: [...byRef.entries()].map(([ref, post]) => ({
        ...post,
        comments: manifest.commentCounts[ref] ?? 0,
      })),
      authors,
      // An author without pages leaves every handle they held, the current one too: all their pages go.
      formerHandles: new Map(
        [...authorIds].map((id) => [
          id,
          authors.has(id)
            ? formerHandles(manifest, id)
            : [defaultHandle(id), ...(manifest.history[id] ?? [])],
        ]),
      ),
    },
    scope,
    details,
  );

  const result: PublishResult = { written: [], deleted: [], unchanged: 0 };
  const changed = build.objects.filter((object) => {
    const hash = objectHash(object);
    if (manifest.objects[object.key] === hash) {
      result.unchanged++;
      return false;
    }
    return true;
  });
  // Pages first, then the indexes that link to them, then sitemap and feeds (SiteObject.phase).
  for (const phase of [0, 1, 2] as const) {
    await mapWithConcurrency(
      changed.filter((object) => object.phase === phase),
      8,
      async (object) => {
        await deps.store.put(object);
        manifest.objects[object.key] = objectHash(object);
        result.written.push(object.key);
      },
    );
  }
  const produced = new Set(build.objects.map((o) => o.key));
  const gone = Object.keys(manifest.objects).filter((key) => build.owns(key) && !produced.has(key));
  await mapWithConcurrency(gone, 8, async (key) => {
    await deps.store.delete(key);
    delete manifest.objects[key];
    result.deleted.push(key);
  });
  await deps.store.saveManifest(manifest);
  result.written.sort();
  result.deleted.sort();
  return result;
}
