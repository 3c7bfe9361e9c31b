import { PutObjectCommand } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { batchPutAll } from '../../infra/ops/batch-write.ts';
import { LOCAL_ADMIN_CREDENTIALS } from '../../local-aws/admin.ts';
import { LOCAL_REGION } from '../../local-aws/roles.ts';
import { createAwsClients } from '../../src/aws/client-factory.ts';
import type { RuntimeConfig } from '../../src/config/runtime-config.ts';
import { PUBLIC_ASSET_PREFIX } from '../../src/core/access-policy.ts';
import { keys } from '../../src/core/model.ts';
import { draftItem, type Post, publishedItem, tagItems } from '../../src/core/post-items.ts';
import { assetItems } from '../../src/data/assets.ts';
import { signInFromNode } from './node-sign-in.ts';

/** Demo authors; each asks for its username as handle (the publisher grants it: docs/security.md). */
export const DEMO_AUTHORS = [
  {
    username: 'alice',
    name: 'Alice Archer',
    bio: 'Cloud architect. Writes about AWS, the web and long walks.',
  },
  { username: 'bob', name: 'Bob Baker', bio: 'Baker by name, web developer by trade. Bread on weekends.' },
  { username: 'carol', name: 'Carol Chen', bio: 'Security engineer and train enthusiast.' },
] as const;

const TOPICS = [
  { tag: 'aws', title: 'What I learned moving a blog to DynamoDB', image: '#ff9900' },
  { tag: 'web', title: 'Web components in practice', image: '#2f4fd8' },
  { tag: 'writing', title: 'Notes on writing every day', image: '#2e7d32' },
  { tag: 'travel', title: 'A week of trains across the Alps', image: '#8e24aa' },
  { tag: 'cooking', title: 'Bread, slowly', image: '#c62828' },
  { tag: 'security', title: 'Least privilege without a server', image: '#37474f' },
];

function coverSvg(color: string, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="500" viewBox="0 0 1200 500">
<rect width="1200" height="500" fill="${color}"/><circle cx="980" cy="120" r="220" fill="#ffffff22"/>
<text x="60" y="440" font-family="Georgia, serif" font-size="64" fill="#fff">${label}</text></svg>`;
}

function body(title: string, tag: string, coverUrl: string, index: number): string {
  return [
    `![${title}](${coverUrl})`,
    '',
    `This is demo post number ${index + 1}, about **${tag}**. It is seeded so that a new Inkwell`,
    'installation shows a living blog at once.',
    '',
    '## Why it matters',
    '',
    'Every post lives in DynamoDB; images go from the browser straight to S3. Nothing runs on a server',
    'of ours: the browser holds temporary AWS keys, and IAM keeps every writer in their own partition.',
    '',
    '```ts',
    `const post = await posts.get('${tag}');`,
    '```',
    '',
    '- markdown, rendered safely',
    '- tags, dates and reading time',
    '',
    '> Write in the browser, publish to the world.',
  ].join('\n');
}

export interface SeedOptions {
  config: RuntimeConfig;
  /** Posts per author. */
  postsPerAuthor?: number;
  /** Newest post's date; older posts step back a day each (spread over months). */
  now?: Date;
  log?: (line: string) => void;
}

/** Fills the stack with demo authors, posts, tags and cover images. Idempotent: re-running overwrites. */
export async function seedDemoContent(options: SeedOptions): Promise<{ posts: number; authors: string[] }> {
  const { config } = options;
  const log = options.log ?? (() => {});
  const perAuthor = options.postsPerAuthor ?? 4;
  const now = options.now ?? new Date();
  const admin = createAwsClients({
    region: config.region ?? LOCAL_REGION,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    credentials: LOCAL_ADMIN_CREDENTIALS,
  });
  const authorIds: string[] = [];
  const items: Record<string, unknown>[] = [];
  let count = 0;
  for (const [authorIndex, author] of DEMO_AUTHORS.entries()) {
    // The id IAM will see when this author signs in: obtained the way the app obtains it.
    const signedIn = await signInFromNode(config, author.username);
    const authorId = signedIn.id;
    signedIn.clients.destroy();
    authorIds.push(authorId);
    for (let i = 0; i < perAuthor; i++) {
      const topic = TOPICS[(authorIndex + i) % TOPICS.length]!;
      const n = authorIndex + i * DEMO_AUTHORS.length;
      const published = new Date(now.getTime() - n * 86_400_000 - authorIndex * 3_600_000).toISOString();
      const slug = `${topic.title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')}-${i + 1}`;
      const coverKey = `${PUBLIC_ASSET_PREFIX}${authorId}/seed/${slug}.svg`;
      if (i < 6) {
        const svg = coverSvg(topic.image, topic.tag);
        await admin.s3.send(
          new PutObjectCommand({
            Bucket: config.bucketName,
            Key: coverKey,
            Body: svg,
            ContentType: 'image/svg+xml',
          }),
        );
        // Its media library entry, as an upload writes it: the writer finds the image there.
        items.push(
          ...assetItems({
            assetId: `seed-${slug}`,
            ownerId: authorId,
            key: coverKey,
            url: '',
            name: `${slug}.svg`,
            alt: topic.title,
            contentType: 'image/svg+xml',
            size: Buffer.byteLength(svg),
            tags: [topic.tag, 'demo'],
            uploadedAt: published,
          }),
        );
      }
      const coverUrl = `${config.assetBaseUrl}${coverKey.split('/').map(encodeURIComponent).join('/')}`;
      const post: Post & { publishedAt: string } = {
        authorId,
        authorName: author.name,
        slug,
        title: perAuthor > 6 ? `${topic.title} (${i + 1})` : topic.title,
        body: body(topic.title, topic.tag, coverUrl, n),
        excerpt: `${author.name.split(' ')[0]} on ${topic.tag}: a demo post seeded for a living blog.`,
        tags: [topic.tag, 'demo'],
        ...(i < 6 ? { cover: coverUrl } : {}),
        status: 'published',
        version: 1,
        createdAt: published,
        updatedAt: published,
        publishedAt: published,
      };
      items.push(draftItem(post), publishedItem(post), ...tagItems(post));
      count++;
    }
    // The author's published-post count, as the publish transactions keep it.
    items.push({ ...keys.authorStats(authorId), posts: perAuthor });
    // The profile, as the profile form writes it; dated before any post, so these claims come first.
    items.push({
      ...keys.profile(authorId),
      type: 'profile',
      handle: author.username,
      displayName: author.name,
      bio: author.bio,
      avatar: '',
      updatedAt: new Date(now.getTime() - 400 * 86_400_000 + authorIndex * 1000).toISOString(),
    });
    log(`author ${author.name} (${author.username}) = ${authorId}: ${perAuthor} posts`);
  }
  await batchPutAll(
    admin.dynamodb,
    config.tableName,
    items.map((item) => marshall(item, { removeUndefinedValues: true })),
  );

  admin.destroy();
  return { posts: count, authors: authorIds };
}
