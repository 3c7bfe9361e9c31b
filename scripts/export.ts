/**
 * `npm run export`: every item of the table to S3 as JSON lines, by parallel scan (docs/deploy.md).
 *
 *   npm run export -- --endpoint http://127.0.0.1:4566          the local stack
 *   npm run export                                              the AWS account of inkwell.deploy.json
 *   npm run export -- --segments 8 --page-size 1000 --checkpoint .export.json
 *
 * Killed halfway? Run the same command again: it resumes from the checkpoint without duplicates.
 * A finished checkpoint is left in place; delete it (or pass another) to start a new export.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { exportTable } from '../infra/ops/export.ts';
import { operatorClients } from '../infra/ops/operator-clients.ts';
import { createProgress } from '../infra/ops/progress.ts';
import { failAndExit, OPS_TARGET_OPTIONS, resolveOpsTarget } from './lib/ops-target.ts';

const { values } = parseArgs({
  options: {
    ...OPS_TARGET_OPTIONS,
    checkpoint: { type: 'string', default: '.inkwell-export.json' },
    prefix: { type: 'string' },
    segments: { type: 'string', default: '4' },
    'page-size': { type: 'string', default: '1000' },
    type: { type: 'string', multiple: true },
  },
});

try {
  const target = await resolveOpsTarget(values);
  const clients = operatorClients(target);
  // ItemCount is refreshed about every six hours on AWS: a progress estimate, not a promise.
  const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: target.tableName }));
  const progress = createProgress({ label: 'export', total: Table?.ItemCount || undefined });
  const manifest = await exportTable({
    dynamodb: clients.dynamodb,
    s3: clients.s3,
    tableName: target.tableName,
    bucketName: target.bucketName,
    checkpointPath: resolve(values.checkpoint),
    ...(values.prefix ? { prefix: values.prefix } : {}),
    totalSegments: Number(values.segments),
    pageSize: Number(values['page-size']),
    ...(values.type?.length ? { types: values.type } : {}),
    progress,
  });
  clients.destroy();
  console.log(
    JSON.stringify({
      items: manifest.items,
      parts: manifest.parts.length,
      prefix: manifest.parts[0]?.key.replace(/[^/]+$/, ''),
    }),
  );
} catch (error) {
  failAndExit('Export', error);
}
