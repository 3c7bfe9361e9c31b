/**
 * Load-test data: tens of thousands of posts with realistic shapes and sizes, built with the app's own
 * item builders (post-items.ts) so indexes, projections and key layout are what production holds.
 *
 * Deterministic (a seeded PRNG): running it twice with the same options overwrites the same items
 * instead of doubling the table. Items are generated lazily, batch by batch, so 50,000 posts with
 * 5 KB bodies never sit in memory at once.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { settleAll } from '../../src/core/concurrency.ts';
import { keys } from '../../src/core/model.ts';
import { draftItem, type Post, publishedItem, tagItems } from '../../src/core/post-items.ts';
import { BATCH_WRITE_LIMIT, batchPut, type Item } from './batch-write.ts';
import { type Progress, silentProgress } from './progress.ts';

export interface LoadSeedOptions {
  dynamodb: DynamoDBClient;
  tableName: string;
  posts: number;
  /** Default: one author per 25 posts (a blog platform's long tail of small blogs). */
  authors?: number;
  region?: string;
  /** Batches in flight: bounded so the run does not turn into a throttling storm. */
  concurrency?: number;
  /** PRNG seed: same seed, same items. */
  seed?: number;
  /** The newest post's date; posts spread over the two years before it. */
  now?: Date;
  progress?: Progress;
  signal?: AbortSignal;
}

/** mulberry32: tiny, fast and good enough to vary sizes; not for anything secret. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TAGS = [
  'aws',
  'web',
  'writing',
  'travel',
  'cooking',
  'security',
  'typescript',
  'design',
  'music',
  'books',
  'photography',
  'running',
  'gardening',
  'startups',
  'data',
  'ai',
  'climate',
  'history',
  'film',
  'games',
];
const WORDS =
  'the a of and to in is it that for on with as was at by an be this from or have not are but were they which one you all their there been has more when will would so what out if about up into than them can only other new some could time these two may first then do any like my now over such our man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(
    ' ',
  );

export function loadAuthorId(region: string, index: number): string {
  return `${region}:10ad0000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

/**
 * Body length: log-normal around 800 words (about 5 KB of markdown), clamped to 60–9,000 words. Real
 * blogs look like this: most posts a few minutes' read, a long tail of long ones.
 */
function bodyWords(random: () => number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.max(60, Math.min(9000, Math.round(Math.exp(Math.log(800) + 0.8 * normal))));
}

function text(random: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    out.push(WORDS[Math.floor(random() * WORDS.length)]!);
    if (i % 80 === 79) out.push('\n\n');
  }
  return out.join(' ');
}

/** The items of one generated post: working copy, published copy (90%) and tag entries. */
export function loadPostItems(
  index: number,
  options: Required<Pick<LoadSeedOptions, 'region' | 'seed'>> & {
    authors: number;
    now: Date;
  },
): Record<string, unknown>[] {
  const random = prng(options.seed * 1_000_003 + index);
  const author = index % options.authors;
  const authorId = loadAuthorId(options.region, author);
  const publishedAt = new Date(options.now.getTime() - Math.floor(random() * 730 * 86_400_000)).toISOString();
  const tagCount = 1 + Math.floor(random() * 3);
  const tags = [
    ...new Set(Array.from({ length: tagCount }, () => TAGS[Math.floor(random() ** 2 * TAGS.length)]!)),
  ];
  const published = random() < 0.9;
  const body = `# Post ${index}\n\n${text(random, bodyWords(random))}`;
  const post: Post = {
    authorId,
    authorName: `Load Author ${author}`,
    slug: `load-post-${index}`,
    title: `Load post ${index}: ${text(random, 4 + Math.floor(random() * 6))}`,
    body,
    excerpt: body.slice(0, 200),
    tags,
    status: published ? 'published' : 'draft',
    version: 1 + Math.floor(random() * 5),
    createdAt: publishedAt,
    updatedAt: publishedAt,
    ...(published ? { publishedAt } : {}),
  };
  const items = [draftItem(post)];
  if (published) {
    const live = { ...post, publishedAt };
    items.push(publishedItem(live), ...tagItems(live));
  }
  if (index < options.authors) {
    items.push({
      ...keys.profile(authorId),
      type: 'profile',
      name: post.authorName,
      bio: 'Load test author',
    });
  }
  return items;
}

/** Writes the generated posts; returns how many items were written. */
export async function seedLoad(options: LoadSeedOptions): Promise<{ posts: number; items: number }> {
  const progress = options.progress ?? silentProgress;
  const settings = {
    region: options.region ?? 'us-east-1',
    seed: options.seed ?? 1,
    authors: options.authors ?? Math.max(1, Math.ceil(options.posts / 25)),
    now: options.now ?? new Date(),
  };
  progress.setTotal(options.posts);
  // One shared generator: each worker takes the next batch, so batches stay full and ordered.
  function* batches(): Generator<{ items: Item[]; postsCompleted: number }> {
    const buffer: Item[] = [];
    for (let index = 0; index < options.posts; index++) {
      for (const item of loadPostItems(index, settings))
        buffer.push(marshall(item, { removeUndefinedValues: true }));
      while (buffer.length >= BATCH_WRITE_LIMIT) {
        const items = buffer.splice(0, BATCH_WRITE_LIMIT);
        yield { items, postsCompleted: buffer.length ? index : index + 1 };
      }
    }
    if (buffer.length) yield { items: buffer, postsCompleted: options.posts };
  }
  const source = batches();
  let items = 0;
  let postsDone = 0;
  let failed = false;
  const worker = async () => {
    for (let next = source.next(); !next.done && !failed; next = source.next()) {
      await batchPut(options.dynamodb, options.tableName, next.value.items, {
        ...(options.signal ? { signal: options.signal } : {}),
      });
      items += next.value.items.length;
      // Batches finish out of order; progress only moves forward.
      postsDone = Math.max(postsDone, next.value.postsCompleted);
      progress.set(postsDone);
    }
  };
  await settleAll(
    Array.from({ length: options.concurrency ?? 8 }, () =>
      worker().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
  progress.finish(`seeded ${options.posts} posts (${items} items) into ${options.tableName}`);
  return { posts: options.posts, items };
}
