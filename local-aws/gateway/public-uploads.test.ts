import { describe, expect, it } from 'vitest';
import { AwsError } from './aws-errors.ts';
import { checkPublicUpload, publicUploadHeaders } from './public-uploads.ts';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const bytes = (text: string) => new TextEncoder().encode(text);
const put = (path: string, body: Uint8Array, query = '', headers: Record<string, string> = {}) =>
  checkPublicUpload('PUT', path, new URLSearchParams(query), headers, body);
const HOSTILE = [
  bytes('<!doctype html><script>alert(1)</script>'),
  bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  new Uint8Array(),
];

describe("writers' uploads under public/ (local gateway)", () => {
  it('stores bytes that are not an allowed image as a download, whatever type they declared', () => {
    for (const body of HOSTILE) {
      expect(put('/bucket/public/bob/cover.png', body)).toEqual({
        kind: 'store-as-download',
        headers: { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment' },
      });
    }
  });

  it('refuses them as the first part of a multipart upload', () => {
    for (const body of HOSTILE) {
      const check = put('/bucket/public/bob/cover.png', body, 'partNumber=1&uploadId=u');
      expect(check?.kind).toBe('refuse-part');
      expect(check?.kind === 'refuse-part' && check.error).toBeInstanceOf(AwsError);
    }
  });

  it('leaves real images, later parts, copies and anything outside public/ as they are', () => {
    expect(put('/bucket/public/bob/cover.png', PNG)).toBeUndefined();
    expect(put('/bucket/public/bob/cover.png', PNG, 'partNumber=1&uploadId=u')).toBeUndefined();
    expect(
      put('/bucket/public/bob/c.png', bytes('middle of a file'), 'partNumber=2&uploadId=u'),
    ).toBeUndefined();
    expect(
      put('/bucket/public/bob/c.png', new Uint8Array(), '', { 'x-amz-copy-source': 'b/k' }),
    ).toBeUndefined();
    expect(put('/bucket/site/index.html', bytes('<html>'))).toBeUndefined();
  });

  it("keeps the type of the browser's own Atom feed, and of nothing else that claims to be one", () => {
    const atom = { 'content-type': 'application/atom+xml; charset=utf-8' };
    expect(put('/bucket/public/bob/feed.atom', bytes('<feed/>'), '', atom)).toBeUndefined();
    expect(
      put('/bucket/public/bob/feed.atom', bytes('<html/>'), '', { 'content-type': 'text/html' }),
    ).toMatchObject({ kind: 'store-as-download' });
    expect(put('/bucket/public/bob/x/feed.atom', bytes('<feed/>'), '', atom)).toBeDefined();
    expect(publicUploadHeaders(atom['content-type'])['content-disposition']).toBe('attachment');
  });

  it('serves uploads inertly: nosniff, a sandboxing CSP, and non-images as downloads', () => {
    expect(publicUploadHeaders('text/html')).toEqual({
      'content-security-policy': "default-src 'none'; sandbox",
      'x-content-type-options': 'nosniff',
      'content-disposition': 'attachment',
    });
    expect(publicUploadHeaders('image/svg+xml')['content-disposition']).toBe('attachment');
    expect(publicUploadHeaders('image/png')).not.toHaveProperty('content-disposition');
  });
});
