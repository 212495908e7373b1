/**
 * Chromium's SwiftShader (Vulkan on the CPU) as the WebGPU adapter of Dawn's Node binding, for the
 * tests here and in CI (Debian's chromium package ships it). The Vulkan loader reads
 * VK_ICD_FILENAMES when Dawn creates its instance, but the dynamic linker reads LD_LIBRARY_PATH only
 * when a process starts: a test gives both to a child process, or to the Vitest workers
 * (vitest.config.ts), before dawn.node loads.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export const SWIFTSHADER_DIR = '/usr/lib/chromium';
export const SWIFTSHADER_ICD = `${SWIFTSHADER_DIR}/vk_swiftshader_icd.json`;

/** The environment that makes SwiftShader Dawn's adapter, or null where it is not installed. */
export function swiftShaderEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> | null {
  if (!existsSync(SWIFTSHADER_ICD) || !existsSync(`${SWIFTSHADER_DIR}/libvulkan.so.1`)) return null;
  const libs = env.LD_LIBRARY_PATH ?? '';
  return {
    VK_ICD_FILENAMES: SWIFTSHADER_ICD,
    LD_LIBRARY_PATH: libs.split(':').includes(SWIFTSHADER_DIR) ? libs : [SWIFTSHADER_DIR, libs].filter(Boolean).join(':'),
  };
}

/** Why WebGPU tests on Dawn cannot run here (no dawn.node for this platform, no SwiftShader), or null. */
export function dawnSkipReason(): string | null {
  try {
    createRequire(import.meta.url).resolve('webgpu/package.json');
  } catch {
    return "Dawn's Node binding is not installed (npm install webgpu)";
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') return `no SwiftShader set-up for ${process.platform}-${process.arch}`;
  if (!swiftShaderEnv()) return `SwiftShader is not installed (${SWIFTSHADER_ICD}; apt-get install chromium)`;
  return null;
}
