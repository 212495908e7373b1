import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'benchmarks/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    // Vitest's default (one core left free) is one worker on a 2-core CI machine, and much of the
    // suite waits on child processes (the CLI, the GPU kit): two workers there took the unit suite
    // from 502 s to 303 s, every test passing.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
