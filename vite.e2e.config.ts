/**
 * A production build of the test pages whose measurements depend on build mode (e2e/*.built.spec.ts):
 * the chart-stream page times React renders, and development React does several times the work a
 * user's browser does. Served by `vite preview` like the site; never shipped (dist-e2e/).
 */
import { mergeConfig } from 'vite';
import base from './vite.config.ts';

export default mergeConfig(base, {
  publicDir: false,
  build: {
    outDir: 'dist-e2e',
    emptyOutDir: true,
    rolldownOptions: { input: { 'chart-stream': 'e2e/pages/chart-stream.html' } },
  },
});
