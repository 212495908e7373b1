/** Shaders read from the repository's shaders/ folder, for Node (Dawn's `webgpu` package, src/engine/gpu/node-gpu.ts). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourcesFromRecord, withEditorShaders, type ShaderSources } from './shader-sources';

const SHADERS = () => fileURLToPath(new URL('../../../shaders', import.meta.url));

export function fileShaderSources(dir = SHADERS()): ShaderSources {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir)) if (f.endsWith('.wgsl')) files[f] = readFileSync(join(dir, f), 'utf8');
  return sourcesFromRecord(files, dir);
}

/** The base kernels and the editor kernels (shaders/editor/), as the GPU editor asks for them. */
export function fileEditorShaderSources(dir = SHADERS()): ShaderSources {
  return withEditorShaders(fileShaderSources(dir), fileShaderSources(join(dir, 'editor')));
}
