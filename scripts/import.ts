/**
 * `npm run import -- --prefix exports/<timestamp>/`: an export back into a table, idempotently.
 *
 *   npm run import -- --endpoint http://127.0.0.1:4566 --prefix exports/2026-…/ --table inkwell-restore
 *   npm run import -- --prefix exports/2026-…/                  into the table of inkwell.deploy.json
 *
 * Writes are PutRequests: re-running, or resuming from the checkpoint after a crash, rewrites the same
 * items. Items that exist in the table but not in the export are left alone (this is not a sync).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importTable } from '../infra/ops/import.ts';
import { operatorClients } from '../infra/ops/operator-clients.ts';
import { createProgress } from '../infra/ops/progress.ts';
import { failAndExit, OPS_TARGET_OPTIONS, resolveOpsTarget } from './lib/ops-target.ts';

const { values } = parseArgs({
  options: {
    ...OPS_TARGET_OPTIONS,
    prefix: { type: 'string' },
    'source-bucket': { type: 'string' },
    checkpoint: { type: 'string', default: '.inkwell-import.json' },
    concurrency: { type: 'string', default: '4' },
  },
});

try {
  if (!values.prefix) throw new Error('--prefix exports/<timestamp>/ is required (see npm run export)');
  const target = await resolveOpsTarget(values);
  const clients = operatorClients(target);
  const result = await importTable({
    dynamodb: clients.dynamodb,
    s3: clients.s3,
    tableName: target.tableName,
    bucketName: values['source-bucket'] ?? target.bucketName,
    prefix: values.prefix,
    checkpointPath: resolve(values.checkpoint),
    concurrency: Number(values.concurrency),
    progress: createProgress({ label: 'import (parts)' }),
  });
  clients.destroy();
  console.log(JSON.stringify(result));
} catch (error) {
  failAndExit('Import', error);
}
