import base from '../../playwright.config';
import { defineConfig } from '@playwright/test';
export default defineConfig({ ...base, testDir: '..', use: { ...base.use, baseURL: 'http://localhost:5197' }, webServer: undefined });
