/**
 * `npm run seed`: demo authors, posts, tags and images in the running local stack (`npm start`).
 *   npm run seed -- --posts 80     posts per author (default 4)
 * The stack's config is read from the running app (INKWELL_APP_URL, default http://127.0.0.1:5173) or,
 * with --gateway, built from the default local ports.
 */
import { parseArgs } from 'node:util';
import { parseRuntimeConfig } from '../src/config/runtime-config.ts';
import { seedDemoContent } from './lib/seed-demo.ts';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '4' },
    app: { type: 'string', default: process.env.INKWELL_APP_URL ?? 'http://127.0.0.1:5173' },
  },
});

try {
  const response = await fetch(`${values.app}/config.json`).catch(() => {
    throw new Error(`No Inkwell app answers at ${values.app}. Start it first with "npm start".`);
  });
  if (!response.ok) throw new Error(`${values.app}/config.json answered HTTP ${response.status}`);
  const config = parseRuntimeConfig(await response.json());
  const result = await seedDemoContent({
    config,
    postsPerAuthor: Number(values.posts),
    log: (line) => console.log(`  ${line}`),
  });
  console.log(`Seeded ${result.posts} posts by ${result.authors.length} authors.`);
} catch (error) {
  console.error(`Seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
