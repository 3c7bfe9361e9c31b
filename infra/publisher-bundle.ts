/**
 * The publisher's deployment package: src/publisher/lambda.ts bundled with esbuild for Lambda's Node 22
 * runtime and zipped with fflate, under a content-hashed name so that a changed handler is a changed
 * `S3Key` (CloudFormation updates a function's code only when its location changes).
 *
 * CommonJS, not ESM: jsdom is CommonJS and resolves `./xhr-sync-worker.js` with `require.resolve` when
 * it loads. That file is bundled as a second entry point beside `index.js`, so the resolution finds a
 * self-contained worker (never used by the publisher, which makes no synchronous XHR, but required to
 * exist for jsdom to load at all).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { zipSync } from 'fflate';

const root = resolve(import.meta.dirname, '..');

/** Lambda's `Handler`: `index.js`, export `handler`. */
export const PUBLISHER_HANDLER = 'index.handler';
export const PUBLISHER_RUNTIME = 'nodejs22.x';
export const PUBLISHER_ENTRY = join(root, 'src/publisher/lambda.ts');

export interface PublisherBundle {
  /** The files of the package, by name inside the zip. */
  files: Record<string, Uint8Array>;
  zip: Uint8Array;
  /** First 16 hex digits of the zip's SHA-256. */
  hash: string;
  /** `publisher/<hash>.zip`: where deploy puts it in the artifacts bucket. */
  key: string;
}

function jsdomSyncWorker(): string {
  const require = createRequire(PUBLISHER_ENTRY);
  const jsdomMain = require.resolve('jsdom');
  // jsdom's package exports do not expose the worker: find it beside the package's own lib.
  return join(dirname(jsdomMain), 'jsdom/living/xhr/xhr-sync-worker.js');
}

export async function buildPublisherBundle(entry = PUBLISHER_ENTRY): Promise<PublisherBundle> {
  const result = await build({
    entryPoints: { index: entry, 'xhr-sync-worker': jsdomSyncWorker() },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outdir: '/publisher',
    write: false,
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'error',
  });
  const files: Record<string, Uint8Array> = {};
  for (const file of result.outputFiles) files[file.path.replace(/^.*\//, '')] = file.contents;
  // A fixed timestamp makes the zip, and so its hash, depend only on the code.
  const mtime = new Date('2000-01-01T00:00:00Z');
  const zip = zipSync(
    Object.fromEntries(
      Object.keys(files)
        .sort()
        .map((name) => [name, [files[name]!, { mtime }]]),
    ),
    { level: 9 },
  );
  const hash = createHash('sha256').update(zip).digest('hex').slice(0, 16);
  return { files, zip, hash, key: `publisher/${hash}.zip` };
}
