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
  build: { target: 'es2022' },
});
