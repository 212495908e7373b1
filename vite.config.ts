import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Cross-origin isolation (SharedArrayBuffer) lets onnxruntime-web's wasm backend use threads.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
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
