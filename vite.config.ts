import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';

// Cross-origin isolation (SharedArrayBuffer) lets onnxruntime-web's wasm backend use threads.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * docs/demo.md travels with the site: the page's note on the demo's numbers links to it, and a
 * newcomer offline (or on a mirror of the built site) can still read the measured reason.
 */
function demoDoc(): Plugin {
  const text = () => readFileSync(new URL('./docs/demo.md', import.meta.url), 'utf8');
  return {
    name: 'demo-doc',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'docs/demo.md', source: text() });
    },
    configureServer(server) {
      server.middlewares.use('/docs/demo.md', (_req, res) => {
        res.setHeader('Content-Type', 'text/markdown; charset=utf-8');
        res.end(text());
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), demoDoc()],
  server: { port: 5173, strictPort: true, host: 'localhost', headers: isolation },
  preview: { port: 4173, strictPort: true, host: 'localhost', headers: isolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The engine worker and the page are single bundles by design (ORT alone is ~0.5 MB); the
    // warning and the bundler's plugin timing report would only repeat that on every build.
    chunkSizeWarningLimit: 2048,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
});
