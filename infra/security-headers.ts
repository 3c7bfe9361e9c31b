/**
 * The response headers every Inkwell URL is served with, in one place: the CloudFront response
 * headers policies (infra/cdn.ts), the local dev and preview servers
 * (scripts/lib/security-headers-plugin.ts) and the local gateway's `public/` uploads all read them
 * from here, so local and AWS agree.
 *
 * Three profiles:
 *   app      the app and the rendered pages: no framing at all (clickjacking of Publish / Delete).
 *   framable the comments widget (`/comments.html`), which other sites embed in an iframe.
 *   upload   writers' files under `public/`: never a document that can run script on any origin.
 */
import { IMAGE_TYPES } from '../src/data/asset-validation.ts';

export type HeaderProfile = 'app' | 'framable' | 'upload';

/** Origins the app talks to besides its own: on AWS `https:` (regional endpoints, sign-in providers). */
export interface CspSources {
  connect: string[];
  img: string[];
}

export const AWS_CSP_SOURCES: CspSources = { connect: ['https:'], img: ['https:'] };

/** `default-src 'none'; sandbox`: an upload opened as a page gets an opaque origin and runs nothing. */
export const UPLOAD_CSP = "default-src 'none'; sandbox";

export const HSTS = 'max-age=63072000; includeSubDomains';
export const REFERRER_POLICY = 'strict-origin-when-cross-origin';

export function contentSecurityPolicy(profile: HeaderProfile, sources: CspSources): string {
  if (profile === 'upload') return UPLOAD_CSP;
  const join = (...parts: string[]) => [...new Set(parts)].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Lit's and EasyMDE's styles are applied at runtime; style cannot run script.
    "style-src 'self' 'unsafe-inline'",
    `img-src ${join("'self'", 'data:', 'blob:', ...sources.img)}`,
    "font-src 'self' data:",
    `connect-src ${join("'self'", ...sources.connect)}`,
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action ${join("'self'", ...sources.connect)}`,
    profile === 'framable' ? 'frame-ancestors *' : "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The headers of a profile. `hsts` only over https (a browser ignores it on http anyway, and a local
 * `localhost` pinned to https would break every other local project).
 */
export function securityHeaders(
  profile: HeaderProfile,
  sources: CspSources,
  options: { hsts?: boolean } = {},
): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(profile, sources),
    'x-content-type-options': 'nosniff',
    'referrer-policy': REFERRER_POLICY,
    // The legacy twin of frame-ancestors, for browsers that predate CSP 2; the widget must not send it.
    ...(profile === 'app' ? { 'x-frame-options': 'DENY' } : {}),
    ...(options.hsts ? { 'strict-transport-security': HSTS } : {}),
  };
}

/** Whether a stored content type is one of the image types uploads may have (parameters ignored). */
export function isImageContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return (IMAGE_TYPES as readonly string[]).includes(type);
}

/** `attachment` for anything not an allowed image: a browser then saves it instead of rendering it. */
export function uploadDisposition(contentType: string | undefined): string | undefined {
  return isImageContentType(contentType) ? undefined : 'attachment';
}

/** Every origin named in a value (e.g. the runtime config): what a local CSP must admit. */
export function originsIn(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === 'string' && /^https?:\/\//.test(v)) {
      try {
        found.add(new URL(v).origin);
      } catch {
        // Not a URL after all: nothing to admit.
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return [...found].sort();
}
