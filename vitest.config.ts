import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { swiftShaderEnv } from './src/engine/gpu/swiftshader';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'benchmarks/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    // Vitest's default (one core left free) is one worker on a 2-core CI machine, and much of the
    // suite waits on child processes (the CLI, the GPU kit): two workers there took the unit suite
    // from 502 s to 303 s, every test passing.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The Dawn tests (src/gpu-checks/) load dawn.node in the worker itself: the Vulkan loader
    // is found through LD_LIBRARY_PATH, which the dynamic linker reads only when a process starts, so
    // the workers are forked with SwiftShader's (where it is installed; Debian's chromium ships it).
    // Each Dawn file holds its checks in one device, run in turn; files on two workers use two devices.
    env: swiftShaderEnv() ?? {},
  },
});
