/**
 * Where an operator script works: the local stack (`--endpoint`, admin key) or the AWS account of
 * inkwell.deploy.json (default credential chain). Flags override the settings file.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadDeploymentSettings } from '../../infra/deploy.ts';
import { resolveNames } from '../../infra/template.ts';

export const OPS_TARGET_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  table: { type: 'string' },
  bucket: { type: 'string' },
  settings: { type: 'string', default: 'inkwell.deploy.json' },
} as const;

export interface OpsTarget {
  region: string;
  endpoint?: string;
  tableName: string;
  bucketName: string;
}

export async function resolveOpsTarget(flags: {
  endpoint?: string | undefined;
  region?: string | undefined;
  table?: string | undefined;
  bucket?: string | undefined;
  settings?: string | undefined;
}): Promise<OpsTarget> {
  if (flags.endpoint) {
    return {
      endpoint: flags.endpoint,
      region: flags.region ?? 'us-east-1',
      tableName: flags.table ?? 'inkwell',
      bucketName: flags.bucket ?? 'inkwell-assets',
    };
  }
  const path = resolve(flags.settings ?? 'inkwell.deploy.json');
  if (!(flags.region && flags.table && flags.bucket) && !existsSync(path)) {
    throw new Error(`no --endpoint and no ${path}: pass --endpoint for the local stack, or deploy settings`);
  }
  const settings = existsSync(path) ? await loadDeploymentSettings(path) : undefined;
  const names = settings ? resolveNames(settings) : undefined;
  return {
    region: flags.region ?? settings?.region ?? 'us-east-1',
    tableName: flags.table ?? names?.tableName ?? 'inkwell',
    bucketName: flags.bucket ?? names?.bucketName ?? 'inkwell-assets',
  };
}

export function failAndExit(what: string, error: unknown): never {
  const code = error instanceof Error && 'code' in error ? ` [${String(error.code)}]` : '';
  console.error(`\n${what} failed${code}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
