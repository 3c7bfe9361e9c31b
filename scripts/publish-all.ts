/**
 * `npm run publish:all`: renders the whole public site from the table (the backfill), for a new
 * deployment, after a stream outage, or to check that the site is what the table says. Idempotent and
 * resumable: pages whose bytes are already there are not written again, so a killed run goes on
 * where it stopped when run again.
 *
 *   npm run publish:all -- --endpoint http://127.0.0.1:4566    a running `npm start` (publisher key)
 *   npm run publish:all -- --site-url https://blog.example.com  the AWS account of inkwell.deploy.json
 */
import { parseArgs } from 'node:util';
import { createProgress } from '../infra/ops/progress.ts';
import { LOCAL_PUBLISHER_CREDENTIALS } from '../local-aws/admin.ts';
import { backfill } from '../src/publisher/backfill.ts';
import { createPublisher } from '../src/publisher/publisher.ts';
import { failAndExit, OPS_TARGET_OPTIONS, resolveOpsTarget } from './lib/ops-target.ts';

const { values } = parseArgs({
  options: {
    ...OPS_TARGET_OPTIONS,
    'site-url': { type: 'string' },
    'site-name': { type: 'string', default: 'Inkwell' },
  },
});

try {
  const target = await resolveOpsTarget(values);
  const siteUrl =
    values['site-url'] ??
    (target.endpoint ? `http://127.0.0.1:${process.env.INKWELL_APP_PORT ?? 5173}` : undefined);
  if (!siteUrl)
    throw new Error('pass --site-url: the public origin the pages link to (canonical URLs, feeds)');
  const publisher = createPublisher({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint, credentials: LOCAL_PUBLISHER_CREDENTIALS } : {}),
    tableName: target.tableName,
    bucketName: target.bucketName,
    site: { siteUrl, siteName: values['site-name'] },
  });
  const progress = createProgress({ label: 'publish' });
  const result = await backfill(publisher, {
    onProgress: ({ done, total }) => {
      progress.setTotal(total);
      progress.set(done);
    },
  });
  progress.finish();
  publisher.destroy();
  console.log(
    JSON.stringify({
      written: result.written.length,
      deleted: result.deleted.length,
      unchanged: result.unchanged,
    }),
  );
} catch (error) {
  failAndExit('Publishing', error);
}
