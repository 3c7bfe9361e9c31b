import type { Plugin } from 'vite';
import type { RuntimeConfig } from '../../src/config/runtime-config.ts';

/**
 * Serves `/config.json` from the running local stack, in dev and preview alike, so the app is built
 * once and configured at start, exactly as in production where deploy uploads a config.json.
 */
export function runtimeConfigPlugin(getConfig: () => RuntimeConfig | undefined): Plugin {
  const serve = (url: string | undefined, end: (status: number, body: string) => void): boolean => {
    if (url?.split('?')[0] !== '/config.json') return false;
    const config = getConfig();
    if (!config) end(503, JSON.stringify({ error: 'local stack not running' }));
    else end(200, JSON.stringify(config, null, 2));
    return true;
  };
  const middleware = (
    req: { url?: string },
    res: { statusCode: number; setHeader(n: string, v: string): void; end(b: string): void },
    next: () => void,
  ) => {
    const handled = serve(req.url, (status, body) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-cache');
      res.end(body);
    });
    if (!handled) next();
  };
  return {
    name: 'inkwell-runtime-config',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}
