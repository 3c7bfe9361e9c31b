/**
 * One origin, as on AWS: the dev and preview servers answer every URL that is not the app's
 * (`isAppPath`) with the page the publisher rendered into the bucket's `pages/` prefix, read from the
 * local S3 server the way the CDN reads its origin; the app's own URLs go to Vite. A URL with no
 * rendered page falls through to the app, which shows its not-found page.
 *
 * An origin that fails (no answer, or a 5xx) is tried again, as CloudFront makes up to three connection
 * attempts, and then answered with a 502: never with the app's shell, which would hide the failure
 * behind a page that looks like a missing post.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { isAppPath, pageKeyForPath } from '../../src/core/site/paths.ts';

export interface SiteOrigin {
  /** The local gateway (path-style S3). */
  gatewayUrl: string;
  bucketName: string;
}

const FORWARDED = ['content-type', 'cache-control', 'etag', 'last-modified', 'content-length'];

/** CloudFront's default ConnectionAttempts. */
const ORIGIN_ATTEMPTS = 3;

/** Reads a page from the origin; `undefined` when every attempt failed or answered 5xx. */
async function fetchFromOrigin(url: string, init: RequestInit): Promise<Response | undefined> {
  for (let attempt = 1; attempt <= ORIGIN_ATTEMPTS; attempt++) {
    try {
      const response = await fetch(url, init);
      if (response.status < 500) return response;
      await response.arrayBuffer().catch(() => undefined);
    } catch {
      // No answer: try again.
    }
    if (attempt < ORIGIN_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
  return undefined;
}

export function sitePagesPlugin(getOrigin: () => SiteOrigin | undefined): Plugin {
  const middleware = async (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const origin = getOrigin();
    if (!origin || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://local').pathname;
      decodeURIComponent(pathname);
    } catch {
      return next();
    }
    if (
      isAppPath(pathname) ||
      pathname.startsWith('/@vite') ||
      pathname.startsWith('/@fs') ||
      pathname.startsWith('/@id') ||
      pathname.startsWith('/src/') ||
      pathname.startsWith('/node_modules/')
    ) {
      return next();
    }
    const key = pageKeyForPath(pathname);
    const url = `${origin.gatewayUrl}/${origin.bucketName}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const upstream = await fetchFromOrigin(url, {
      method: req.method,
      headers: req.headers['if-none-match'] ? { 'if-none-match': String(req.headers['if-none-match']) } : {},
    });
    if (!upstream) {
      res.statusCode = 502;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.end(
        `The site's storage (${origin.gatewayUrl}) did not answer for ${pathname}. Try again in a moment.\n`,
      );
      return;
    }
    if (upstream.status !== 200 && upstream.status !== 304) return next();
    res.statusCode = upstream.status;
    for (const name of FORWARDED) {
      const value = upstream.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    res.end(
      req.method === 'HEAD' || upstream.status === 304
        ? undefined
        : Buffer.from(await upstream.arrayBuffer()),
    );
  };
  const use = (req: IncomingMessage, res: ServerResponse, next: () => void) =>
    void middleware(req, res, next);
  return {
    name: 'inkwell-site-pages',
    configureServer(server) {
      server.middlewares.use(use);
    },
    configurePreviewServer(server) {
      server.middlewares.use(use);
    },
  };
}
