/**
 * The harness's Vite loader globs shaders/*.wgsl only; the editor kernels live in shaders/editor/.
 * Names 'editor/<file>' resolve there (withEditorShaders), everything else falls through to the base.
 */
import { sourcesFromRecord, withEditorShaders, type ShaderSources } from '../shader-sources';
import { bundledShaderSources } from '../shader-sources.vite';

const files = import.meta.glob('/shaders/editor/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const editorSources = sourcesFromRecord(files, 'shaders/editor/ (bundled by Vite)');

export const bundledEditorShaderSources: ShaderSources = withEditorShaders(bundledShaderSources, editorSources);
