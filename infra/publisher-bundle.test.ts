import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPublisherBundle, PUBLISHER_HANDLER, type PublisherBundle } from './publisher-bundle.ts';

describe('the publisher bundle', () => {
  let bundle: PublisherBundle;
  let dir: string;
  beforeAll(async () => {
    bundle = await buildPublisherBundle();
    dir = await mkdtemp(join(tmpdir(), 'inkwell-publisher-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('zips index.js with jsdom sync-XHR worker beside it, under a content-hashed key', () => {
    const entries = unzipSync(bundle.zip);
    expect(Object.keys(entries).sort()).toEqual(['index.js', 'xhr-sync-worker.js']);
    expect(bundle.key).toMatch(/^publisher\/[0-9a-f]{16}\.zip$/);
  });

  it('is reproducible: the same code gives the same key', async () => {
    expect((await buildPublisherBundle()).key).toBe(bundle.key);
  });

  it('loads in plain Node from the unzipped files alone and answers an empty stream batch', async () => {
    // Unzipped where no node_modules is reachable, as in Lambda: nothing may be left unbundled.
    for (const [name, body] of Object.entries(unzipSync(bundle.zip))) await writeFile(join(dir, name), body);
    // What Lambda and the template set (infra/publisher-stack.ts): the handler needs nothing else.
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      TABLE_NAME: 'inkwell',
      BUCKET_NAME: 'inkwell-assets',
      SITE_URL: 'https://blog.example',
    });
    const require = createRequire(join(dir, 'index.js'));
    const [file, exported] = PUBLISHER_HANDLER.split('.') as [string, string];
    const module = require(join(dir, `${file}.js`)) as Record<string, (event: unknown) => Promise<unknown>>;
    expect(await module[exported]!({ Records: [] })).toEqual({ batchItemFailures: [] });
  });
});
