import type { Plugin } from 'vite';
import {
  type CspSources,
  type HeaderProfile,
  originsIn,
  securityHeaders,
} from '../../infra/security-headers.ts';
import type { RuntimeConfig } from '../../src/config/runtime-config.ts';

/** Which profile a URL gets: the same split as the distribution's cache behaviours (infra/cdn.ts). */
export function headerProfileFor(url: string | undefined): HeaderProfile {
  const path = (url ?? '/').split('?')[0];
  return path === '/comments.html' ? 'framable' : 'app';
}

/** The local stack's CSP sources: every origin config.json names (gateway, sign-in providers). */
export function localCspSources(config: RuntimeConfig | undefined, dev: boolean): CspSources {
  const origins = originsIn(config ?? {});
  // Vite's dev client reconnects its HMR socket on the same host; 'self' covers it in CSP 3 browsers.
  return { connect: dev ? [...origins, 'ws:'] : origins, img: origins };
}

/**
 * The distribution's response headers, on the dev and preview servers: CSP with frame-ancestors
 * 'none' and X-Frame-Options DENY on the app and pages, frame-ancestors * on the comments widget,
 * nosniff and a referrer policy everywhere. No HSTS: the local servers speak plain http.
 */
export function securityHeadersPlugin(getConfig: () => RuntimeConfig | undefined): Plugin {
  const middleware =
    (dev: boolean) =>
    (req: { url?: string }, res: { setHeader(name: string, value: string): void }, next: () => void) => {
      const headers = securityHeaders(headerProfileFor(req.url), localCspSources(getConfig(), dev));
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      next();
    };
  return {
    name: 'inkwell-security-headers',
    configureServer(server) {
      server.middlewares.use(middleware(true));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(false));
    },
  };
}
