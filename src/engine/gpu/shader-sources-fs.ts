/** Shaders read from the repository's shaders/ folder, for Node (e.g. the `webgpu` Dawn package). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourcesFromRecord, type ShaderSources } from './shader-sources';

export function fileShaderSources(dir = fileURLToPath(new URL('../../../shaders', import.meta.url))): ShaderSources {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir)) if (f.endsWith('.wgsl')) files[f] = readFileSync(join(dir, f), 'utf8');
  return sourcesFromRecord(files, dir);
}
