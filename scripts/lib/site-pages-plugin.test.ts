import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sitePagesPlugin } from './site-pages-plugin.ts';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A real origin (answering with `answers` in turn, then 200) behind the plugin's middleware in a real
 * HTTP server whose fall-through is the app shell.
 */
async function siteWithOrigin(answers: number[]) {
  const seen: string[] = [];
  const gatewayUrl = await listen((req, res) => {
    seen.push(req.url ?? '');
    const status = answers.shift() ?? 200;
    if (status === 0) {
      req.socket.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': status === 200 ? 'text/html' : 'application/xml' });
    res.end(status === 200 ? '<h1>Rendered</h1>' : '<Error/>');
  });
  const plugin = sitePagesPlugin(() => ({ gatewayUrl, bucketName: 'site' }));
  let middleware: Middleware | undefined;
  (plugin.configurePreviewServer as (server: unknown) => void)({
    middlewares: { use: (fn: Middleware) => (middleware = fn) },
  });
  const appUrl = await listen((req, res) => middleware!(req, res, () => res.end('app shell')));
  return { appUrl, seen };
}

describe('the site pages plugin (the local CDN in front of the bucket)', () => {
  it('serves a rendered page from the pages/ prefix', async () => {
    const { appUrl, seen } = await siteWithOrigin([]);
    const response = await fetch(`${appUrl}/@alice/hello`);
    expect(await response.text()).toBe('<h1>Rendered</h1>');
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(seen).toEqual(['/site/pages/%40alice/hello']);
  });

  it('tries a failing origin again, as CloudFront does, and serves the page it then gets', async () => {
    const { appUrl, seen } = await siteWithOrigin([503, 0]);
    const response = await fetch(`${appUrl}/@alice/hello`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<h1>Rendered</h1>');
    expect(seen).toHaveLength(3);
  });

  it('answers 502 when the origin keeps failing: never the app shell, which would look like a missing page', async () => {
    const { appUrl, seen } = await siteWithOrigin([500, 0, 503, 200]);
    const response = await fetch(`${appUrl}/@alice/hello`);
    expect(response.status).toBe(502);
    expect(await response.text()).toMatch(/did not answer for \/@alice\/hello/);
    expect(seen).toHaveLength(3);
  });

  it('leaves a URL with no rendered page (403/404 from S3) and app URLs to the app', async () => {
    const { appUrl, seen } = await siteWithOrigin([403]);
    expect(await (await fetch(`${appUrl}/@alice/missing`)).text()).toBe('app shell');
    expect(await (await fetch(`${appUrl}/write`)).text()).toBe('app shell');
    expect(seen).toEqual(['/site/pages/%40alice/missing']);
  });
});
