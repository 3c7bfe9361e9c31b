/**
 * Builds the comments loader (src/embed/loader.ts) as `embed.js`: one self-contained IIFE at a stable,
 * unhashed address, because authors paste `<script src=".../embed.js">` into other sites and a classic
 * script must not import chunks or leak top-level names into the host page. The app's own build
 * (ES modules, hashed chunks) cannot produce that, so the loader gets its own small bundle, emitted
 * into the app's output; the dev server serves the same bundle at /embed.js.
 */
import { resolve } from 'node:path';
import { build, type Plugin, type Rolldown } from 'vite';

export const EMBED_ENTRY = 'src/embed/loader.ts';
export const EMBED_FILE = 'embed.js';
/** The rendered pages' islands (src/islands): the same kind of bundle, at a stable address too. */
export const ISLANDS_ENTRY = 'src/islands/islands.ts';
export const ISLANDS_FILE = 'islands.js';

const BUNDLES = [
  { entry: EMBED_ENTRY, file: EMBED_FILE, name: 'InkwellEmbed' },
  { entry: ISLANDS_ENTRY, file: ISLANDS_FILE, name: 'InkwellIslands' },
] as const;

async function bundleLoader(
  root: string,
  { entry, file: EMBED_FILE, name }: (typeof BUNDLES)[number] = BUNDLES[0],
): Promise<string> {
  const result = await build({
    root,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    build: {
      write: false,
      target: 'es2020',
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      lib: {
        entry: resolve(root, entry),
        formats: ['iife'],
        name,
        fileName: () => EMBED_FILE,
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((output) => output.output).find((file) => file.type === 'chunk');
  if (chunk?.type !== 'chunk') throw new Error(`building ${EMBED_FILE} produced no code`);
  if (chunk.imports.length > 0) throw new Error(`${EMBED_FILE} must not import other chunks`);
  return chunk.code;
}

export function embedLoaderPlugin(): Plugin {
  let root = process.cwd();
  return {
    name: 'inkwell-embed-loader',
    configResolved(config) {
      root = config.root;
    },
    async generateBundle() {
      for (const bundle of BUNDLES) {
        this.emitFile({ type: 'asset', fileName: bundle.file, source: await bundleLoader(root, bundle) });
      }
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const bundle = BUNDLES.find((b) => req.url?.split('?')[0] === `/${b.file}`);
        if (!bundle) return next();
        bundleLoader(root, bundle).then(
          (code) => {
            res.setHeader('content-type', 'text/javascript');
            res.setHeader('cache-control', 'no-cache');
            res.end(code);
          },
          (error: unknown) => next(error),
        );
      });
    },
  };
}
