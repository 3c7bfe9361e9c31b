import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureEmbed } from './bench-embed.ts';

describe('measureEmbed', () => {
  let dir = '';
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('sizes the loader and every script the widget page loads', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-embed-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'embed.js'), '(function(){})();'.repeat(10));
    await writeFile(join(dir, 'assets/comments-abc.js'), 'export const a = 1;');
    await writeFile(join(dir, 'assets/lit-def.js'), 'export const b = 2;');
    await writeFile(
      join(dir, 'comments.html'),
      '<script type="module" crossorigin src="/assets/comments-abc.js"></script>' +
        '<link rel="modulepreload" crossorigin href="/assets/lit-def.js"><link rel="stylesheet" href="/x.css">',
    );
    const figures = await measureEmbed(dir);
    expect(figures.loader).toMatchObject({ file: 'embed.js', bytes: 170 });
    expect(figures.loaderWithinBudget).toBe(true);
    expect(figures.widget.files.map((file) => file.file)).toEqual([
      'assets/comments-abc.js',
      'assets/lit-def.js',
    ]);
    expect(figures.widget.bytes).toBe(38);
  });
});
