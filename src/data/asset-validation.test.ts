import { describe, expect, it } from 'vitest';
import { AssetError } from './asset-errors.ts';
import { ASSET_LIMITS, safeAssetName, validateImage, validateImageFile } from './asset-validation.ts';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
const JPEG = [0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1];
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const GIF = [...ascii('GIF89a'), 1, 0, 1, 0, 0, 0, 0, 0, 0, 0];
const WEBP = [...ascii('RIFF'), 0x24, 0, 0, 0, ...ascii('WEBPVP8 ')];
const AVIF = [0, 0, 0, 0x1c, ...ascii('ftypavif'), 0, 0, 0, 0];
const HTML = ascii('<!doctype html><');
const SVG = ascii('<svg xmlns="http');

const head = (bytes: number[]) => new Uint8Array(bytes);
const facts = (name: string, type: string, size = 1000) => ({ name, type, size });

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AssetError) return error.code;
    throw error;
  }
  return undefined;
}

describe('validateImage', () => {
  it.each([
    ['photo.png', 'image/png', PNG, 'image/png', 'png'],
    ['photo.JPG', 'image/jpeg', JPEG, 'image/jpeg', 'jpg'],
    ['photo.jpeg', '', JPEG, 'image/jpeg', 'jpg'],
    ['anim.gif', 'image/gif', GIF, 'image/gif', 'gif'],
    ['pic.webp', 'image/webp', WEBP, 'image/webp', 'webp'],
    ['pic.avif', 'image/avif', AVIF, 'image/avif', 'avif'],
    // Pasted images have a generic name from the browser.
    ['image.png', 'image/png', PNG, 'image/png', 'png'],
  ])('accepts %s (%s)', (name, type, bytes, contentType, extension) => {
    expect(validateImage(facts(name, type), head(bytes))).toEqual({ contentType, extension });
  });

  it('refuses an empty file', () => {
    expect(codeOf(() => validateImage(facts('a.png', 'image/png', 0), head([])))).toBe('asset-empty');
  });

  it('refuses a file over the limit, and accepts one at the limit', () => {
    const over = facts('big.png', 'image/png', ASSET_LIMITS.maxBytes + 1);
    expect(codeOf(() => validateImage(over, head(PNG)))).toBe('asset-too-large');
    expect(() => validateImage(facts('ok.png', 'image/png', ASSET_LIMITS.maxBytes), head(PNG))).not.toThrow();
  });

  it('refuses SVG by type or by name, whatever its content', () => {
    expect(codeOf(() => validateImage(facts('logo.svg', 'image/svg+xml'), head(SVG)))).toBe(
      'asset-svg-refused',
    );
    expect(codeOf(() => validateImage(facts('logo.svg', ''), head(SVG)))).toBe('asset-svg-refused');
    expect(codeOf(() => validateImage(facts('logo.png', 'image/svg+xml'), head(PNG)))).toBe(
      'asset-svg-refused',
    );
  });

  it('refuses types that are not allowed images', () => {
    expect(codeOf(() => validateImage(facts('page.html', 'text/html'), head(HTML)))).toBe(
      'asset-type-refused',
    );
    expect(codeOf(() => validateImage(facts('scan.tiff', 'image/tiff'), head(PNG)))).toBe(
      'asset-type-refused',
    );
    expect(codeOf(() => validateImage(facts('noextension', ''), head(PNG)))).toBe('asset-type-refused');
  });

  it('refuses content that is not what the name and type say', () => {
    expect(codeOf(() => validateImage(facts('page.png', 'image/png'), head(HTML)))).toBe('asset-mislabelled');
    expect(codeOf(() => validateImage(facts('photo.png', 'image/png'), head(JPEG)))).toBe(
      'asset-mislabelled',
    );
    expect(codeOf(() => validateImage(facts('sneaky.png', 'image/png'), head(SVG)))).toBe(
      'asset-mislabelled',
    );
    expect(codeOf(() => validateImage(facts('photo.jpg', 'image/png'), head(PNG)))).toBe('asset-mislabelled');
  });

  it('says what the file really is when it can tell', () => {
    expect(() => validateImage(facts('photo.png', 'image/png'), head(JPEG))).toThrow(/really JPEG.*\.jpg/);
  });

  it('reads only the first bytes of a browser file', async () => {
    const file = new File([new Uint8Array([...PNG, ...new Array(100).fill(7)])], 'x.png', {
      type: 'image/png',
    });
    await expect(validateImageFile(file)).resolves.toEqual({ contentType: 'image/png', extension: 'png' });
  });
});

describe('safeAssetName', () => {
  it.each([
    ['Holiday Photo (1).JPG', 'jpg', 'holiday-photo-1.jpg'],
    ['Crème brûlée.png', 'png', 'creme-brulee.png'],
    ['../../etc/passwd.png', 'png', 'etc-passwd.png'],
    ['日本.png', 'png', 'image.png'],
    ['.png', 'png', 'png.png'],
  ])('%s → %s', (name, extension, expected) => {
    expect(safeAssetName(name, extension)).toBe(expected);
  });

  it('keeps names short', () => {
    expect(safeAssetName(`${'a'.repeat(300)}.png`, 'png').length).toBeLessThanOrEqual(80);
  });
});
