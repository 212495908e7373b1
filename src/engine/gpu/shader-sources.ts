/**
 * Where WGSL text comes from. Everything that compiles a shader asks a ShaderSources function by
 * file name ('matmul' for shaders/matmul.wgsl), so the bundler-based loader (shader-sources.vite.ts)
 * and a file-system loader (shader-sources-fs.ts) are interchangeable.
 */
export type ShaderSources = (name: string) => string;

export function sourcesFromRecord(files: Record<string, string>, origin: string): ShaderSources {
  const byName = new Map<string, string>();
  for (const [path, code] of Object.entries(files)) byName.set(path.replace(/^.*\//, '').replace(/\.wgsl$/, ''), code);
  return (name) => {
    const code = byName.get(name);
    if (code === undefined)
      throw new Error(`shader ${name}: no ${name}.wgsl in ${origin} (have: ${[...byName.keys()].sort().join(', ') || 'none'})`);
    return code;
  };
}

/** The editor kernels live in shaders/editor/: names 'editor/<file>' resolve there, the rest (matmul, moments) in the base. */
export function withEditorShaders(base: ShaderSources, editor: ShaderSources): ShaderSources {
  return (name) => (name.startsWith('editor/') ? editor(name.slice('editor/'.length)) : base(name));
}
