/**
 * Sizes of the comments embed in a build: the loader every host page downloads (embed.js, target
 * ≤ 3 KB gzip) and the JavaScript the widget's iframe (comments.html) loads, entry plus static imports.
 */
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface FileSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface EmbedFigures {
  loader: FileSize;
  /** The loader's budget, gzip bytes. */
  loaderBudgetGzipBytes: number;
  loaderWithinBudget: boolean;
  /** Every script comments.html loads before the widget runs (module entry + modulepreloads). */
  widget: { files: FileSize[]; bytes: number; gzipBytes: number };
}

export const LOADER_BUDGET_GZIP_BYTES = 3 * 1024;

async function sizeOf(distDir: string, file: string): Promise<FileSize> {
  const content = await readFile(join(distDir, file));
  return { file, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
}

/** Measures `<distDir>/embed.js` and the scripts `<distDir>/comments.html` references. */
export async function measureEmbed(distDir: string): Promise<EmbedFigures> {
  const loader = await sizeOf(distDir, 'embed.js');
  const page = await readFile(join(distDir, 'comments.html'), 'utf8');
  const scripts = new Set<string>();
  for (const match of page.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)="([^"]+\.js)"/g)) {
    scripts.add(posix.normalize(match[1]!).replace(/^\//, ''));
  }
  const files = await Promise.all([...scripts].map((file) => sizeOf(distDir, file)));
  return {
    loader,
    loaderBudgetGzipBytes: LOADER_BUDGET_GZIP_BYTES,
    loaderWithinBudget: loader.gzipBytes <= LOADER_BUDGET_GZIP_BYTES,
    widget: {
      files,
      bytes: files.reduce((sum, file) => sum + file.bytes, 0),
      gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0),
    },
  };
}
