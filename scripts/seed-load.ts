/**
 * `npm run seed:load`: tens of thousands of realistic posts for load tests.
 *
 *   npm run seed:load -- --endpoint http://127.0.0.1:4566 --posts 20000
 *   npm run seed:load -- --posts 50000 --concurrency 16      the AWS table of inkwell.deploy.json
 *
 * About 4 items and 12 KB per post (working copy, published copy, tag entries): 20,000 posts write
 * roughly 80,000 items, about 260,000 WRU on demand. Same --seed, same items: re-running overwrites.
 */
import { parseArgs } from 'node:util';
import { seedLoad } from '../infra/ops/load-seed.ts';
import { operatorClients } from '../infra/ops/operator-clients.ts';
import { createProgress } from '../infra/ops/progress.ts';
import { failAndExit, OPS_TARGET_OPTIONS, resolveOpsTarget } from './lib/ops-target.ts';

const { values } = parseArgs({
  options: {
    ...OPS_TARGET_OPTIONS,
    posts: { type: 'string', default: '20000' },
    authors: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
  },
});

try {
  const target = await resolveOpsTarget(values);
  const clients = operatorClients(target);
  const started = Date.now();
  const result = await seedLoad({
    dynamodb: clients.dynamodb,
    tableName: target.tableName,
    posts: Number(values.posts),
    ...(values.authors ? { authors: Number(values.authors) } : {}),
    region: target.region,
    concurrency: Number(values.concurrency),
    seed: Number(values.seed),
    progress: createProgress({ label: 'seed (posts)' }),
  });
  clients.destroy();
  console.log(`${result.items} items in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  failAndExit('Load seeding', error);
}
