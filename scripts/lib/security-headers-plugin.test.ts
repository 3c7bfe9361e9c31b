import { describe, expect, it } from 'vitest';
import type { RuntimeConfig } from '../../src/config/runtime-config.ts';
import { headerProfileFor, localCspSources, securityHeadersPlugin } from './security-headers-plugin.ts';

const config = {
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:4566',
  tableName: 't',
  bucketName: 'b',
  assetBaseUrl: 'http://127.0.0.1:4566/b/',
  identity: { mode: 'cognito', identityPoolId: 'p' },
  providers: [
    { id: 'local', label: 'Local', issuer: 'http://127.0.0.1:4567', clientId: 'c', loginsKey: 'k' },
  ],
} as RuntimeConfig;

/** Runs the plugin's preview middleware on one URL and returns the headers it set. */
function previewHeaders(url: string): Record<string, string> {
  const plugin = securityHeadersPlugin(() => config);
  let middleware: ((req: unknown, res: unknown, next: () => void) => void) | undefined;
  const server = { middlewares: { use: (fn: typeof middleware) => (middleware = fn) } };
  (plugin.configurePreviewServer as (s: unknown) => void)(server);
  const headers: Record<string, string> = {};
  let passedOn = false;
  middleware!({ url }, { setHeader: (n: string, v: string) => (headers[n] = v) }, () => (passedOn = true));
  expect(passedOn).toBe(true);
  return headers;
}

describe('the security headers plugin (dev and preview servers)', () => {
  it('forbids framing everywhere but the comments widget', () => {
    for (const url of ['/', '/write', '/authors/x/posts/y', '/comments.html.evil', '/?x=/comments.html']) {
      expect(headerProfileFor(url), url).toBe('app');
      expect(previewHeaders(url)['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(previewHeaders(url)['x-frame-options']).toBe('DENY');
    }
    expect(headerProfileFor('/comments.html?post=a/b')).toBe('framable');
    expect(previewHeaders('/comments.html?post=a/b')).not.toHaveProperty('x-frame-options');
    expect(previewHeaders('/comments.html')['content-security-policy']).toContain('frame-ancestors *');
  });

  it('admits exactly the local stack origins the app talks to, and no HSTS on plain http', () => {
    expect(localCspSources(config, false)).toEqual({
      connect: ['http://127.0.0.1:4566', 'http://127.0.0.1:4567'],
      img: ['http://127.0.0.1:4566', 'http://127.0.0.1:4567'],
    });
    const headers = previewHeaders('/');
    expect(headers['content-security-policy']).toContain("script-src 'self';");
    expect(headers['content-security-policy']).toContain(
      "connect-src 'self' http://127.0.0.1:4566 http://127.0.0.1:4567",
    );
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers).not.toHaveProperty('strict-transport-security');
  });
});
