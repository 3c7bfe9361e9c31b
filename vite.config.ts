import { defineConfig } from 'vite';
import { embedLoaderPlugin } from './scripts/lib/embed-build-plugin.ts';

export default defineConfig({
  // embed.js, the comments loader for other sites, is its own self-contained bundle.
  plugins: [embedLoaderPlugin()],
  build: {
    target: 'es2022',
    sourcemap: true,
    // The SDK and the editor are split by route: readers never download the editor.
    chunkSizeWarningLimit: 900,
    // The app, and the comments page that embed.js frames on other sites.
    rolldownOptions: { input: { main: 'index.html', comments: 'comments.html' } },
  },
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1', strictPort: true },
});
