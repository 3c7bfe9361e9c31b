/**
 * Writers' uploads under `public/`, as the gateway stores and serves them.
 *
 * Serving: every object under `public/` gets the headers the CDN's `/public/*` behaviour adds on AWS
 * (infra/cdn.ts): nosniff, `default-src 'none'; sandbox`, and `Content-Disposition: attachment` for
 * anything not an allowed image type, so an uploaded HTML page or SVG never runs as a document.
 *
 * Storing (a local check, stricter than AWS): a writer's (temporary keys') upload under `public/`
 * whose bytes are not an allowed image format is neutralized or refused. A PutObject is stored as
 * `application/octet-stream` with `Content-Disposition: attachment`, whatever type it declared; a
 * multipart upload's first part (its type was fixed when the upload was created) is refused and the
 * upload aborted. S3
 * cannot look at bytes, so on AWS such an object is stored as declared; the CDN's headers are the
 * defence there, and the browser's own check (src/data/asset-validation.ts) keeps honest clients from
 * trying. The operator's key (seeding, imports) is not sniffed: its files are the operator's own.
 */
import { securityHeaders, uploadDisposition } from '../../infra/security-headers.ts';
import { PUBLIC_ASSET_PREFIX } from '../../src/core/access-policy.ts';
import { sniffImageType } from '../../src/data/asset-validation.ts';
import { AwsError } from './aws-errors.ts';

/** The key of a path-style S3 URL path (`/bucket/public/a/b.png`), or undefined for bucket-level calls. */
function keyOf(path: string): string | undefined {
  const match = /^\/[^/]+\/(.+)$/.exec(path);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

export function isPublicUpload(path: string): boolean {
  return keyOf(path)?.startsWith(PUBLIC_ASSET_PREFIX) ?? false;
}

/**
 * The one non-image a writer's browser stores today: its Atom feed (src/data/author-feed.ts), until
 * the publisher's feeds replace it (issue 11). Kept as declared so feed readers get its type; it is
 * still served with the sandboxing CSP and as an attachment, so it never runs as a document.
 */
function isBrowserWrittenFeed(path: string, contentType: string | undefined): boolean {
  return (
    /^public\/[^/]+\/feed\.atom$/.test(keyOf(path) ?? '') &&
    (contentType ?? '').startsWith('application/atom+xml')
  );
}

export type UploadCheck =
  | { kind: 'store-as-download'; headers: Record<string, string> }
  | { kind: 'refuse-part'; error: AwsError };

/**
 * Checks a writer's upload under `public/` by its first bytes: a non-image PutObject is stored with
 * download headers (replacing the declared ones); a non-image first multipart part (the part that
 * holds the magic number; the upload's type was fixed at creation) is refused, and its upload aborted,
 * once S3 has accepted it. Undefined when nothing changes. A copy (`x-amz-copy-source`) carries no
 * bytes: it is served with the same headers as any upload, which is what keeps it inert.
 */
export function checkPublicUpload(
  method: string,
  path: string,
  query: URLSearchParams,
  headers: Record<string, string>,
  body: Uint8Array,
): UploadCheck | undefined {
  if (method !== 'PUT' || !isPublicUpload(path) || headers['x-amz-copy-source']) return undefined;
  const multipart = query.has('uploadId');
  if (multipart && query.get('partNumber') !== '1') return undefined;
  if (sniffImageType(body.subarray(0, 16))) return undefined;
  if (isBrowserWrittenFeed(path, headers['content-type'])) return undefined;
  if (!multipart) {
    return {
      kind: 'store-as-download',
      headers: { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment' },
    };
  }
  return {
    kind: 'refuse-part',
    error: new AwsError(
      'InvalidArgument',
      'Local check: uploads under public/ must be PNG, JPEG, GIF, WebP or AVIF by content (AWS stores any bytes; the CDN serves them inertly).',
      400,
    ),
  };
}

/** Headers to add to a GET/HEAD response for an object under `public/`. */
export function publicUploadHeaders(contentType: string | undefined): Record<string, string> {
  const { 'content-security-policy': csp, 'x-content-type-options': nosniff } = securityHeaders('upload', {
    connect: [],
    img: [],
  });
  const disposition = uploadDisposition(contentType);
  return {
    'content-security-policy': csp!,
    'x-content-type-options': nosniff!,
    ...(disposition ? { 'content-disposition': disposition } : {}),
  };
}
