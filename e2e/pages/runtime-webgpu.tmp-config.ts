// Local runs only: the shared config on its own port, so this spec can run while others use 5183.
import base from '../../playwright.config';
import { defineConfig } from '@playwright/test';
const PORT = 5191;
export default defineConfig({
  ...base,
  testDir: '..',
  use: { ...base.use, baseURL: `http://localhost:${PORT}` },
  webServer: { ...(base.webServer as object), timeout: 180_000, command: `npx vite --port ${PORT} --strictPort --bypass-lock --clearScreen false`, url: `http://localhost:${PORT}/` },
});
