/**
 * `npm run seed`: demo authors, posts, tags and images in the running local stack (`npm start`).
 *   npm run seed -- --posts 80     posts per author (default 4)
 *   npm run seed -- --app URL      the app to read config.json from
 * The stack's config is read from the running app: INKWELL_APP_URL, else http://127.0.0.1:$INKWELL_APP_PORT
 * (5173), the same port settings `npm start` reads (scripts/lib/local-ports.ts).
 */
import { parseArgs } from 'node:util';
import { parseRuntimeConfig } from '../src/config/runtime-config.ts';
import { localAppUrl } from './lib/local-ports.ts';
import { seedDemoContent } from './lib/seed-demo.ts';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '4' },
    app: { type: 'string', default: localAppUrl() },
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
