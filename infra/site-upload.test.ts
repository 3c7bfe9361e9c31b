import { describe, expect, it } from 'vitest';
import { cacheControlFor, contentTypeFor, IMMUTABLE, REVALIDATE, uploadSite } from './site-upload.ts';

describe('site upload headers', () => {
  it('caches hashed build assets for a year and revalidates everything that keeps its name', () => {
    expect(cacheControlFor('assets/index-C4Pzk1vJ.js')).toBe(IMMUTABLE);
    expect(cacheControlFor('assets/AwsJson1_1Protocol-C4Pzk1vJ.js.map')).toBe(IMMUTABLE);
    expect(cacheControlFor('index.html')).toBe(REVALIDATE);
    expect(cacheControlFor('config.json')).toBe(REVALIDATE);
    expect(cacheControlFor('favicon.svg')).toBe(REVALIDATE);
  });

  it('names content types by extension', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('assets/a-12345678.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('assets/a-12345678.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('config.json')).toBe('application/json');
    expect(contentTypeFor('logo.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('font.woff2')).toBe('font/woff2');
    expect(contentTypeFor('blob')).toBe('application/octet-stream');
  });
});

describe('site upload keys', () => {
  it('writes the app build under site/ only, never over the publisher pages/', async () => {
    const keys: string[] = [];
    const s3 = {
      send: async (command: { input: { Key?: string } }) => {
        keys.push(String(command.input.Key));
        return {};
      },
    };
    const file = (path: string) => ({
      path,
      body: new Uint8Array(1),
      contentType: contentTypeFor(path),
      cacheControl: cacheControlFor(path),
    });
    // index.html is the app shell: it must land in site/, not replace the rendered home pages/index.html.
    const files = ['index.html', 'config.json', 'assets/index-C4Pzk1vJ.js', 'comments.html'].map(file);
    await uploadSite({ s3: s3 as never, bucketName: 'b', files });
    expect(keys.sort()).toEqual([
      'site/assets/index-C4Pzk1vJ.js',
      'site/comments.html',
      'site/config.json',
      'site/index.html',
    ]);
  });
});
