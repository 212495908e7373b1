/** Shaders bundled by Vite: every shaders/*.wgsl inlined as text at build time. */
import { sourcesFromRecord, type ShaderSources } from './shader-sources';

const files = import.meta.glob('/shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export const bundledShaderSources: ShaderSources = sourcesFromRecord(files, 'shaders/ (bundled by Vite)');
