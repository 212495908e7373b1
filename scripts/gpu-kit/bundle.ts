/**
 * The kit's engine: scripts/gpu-kit/check/main.ts and everything it imports (the lab's engine, the
 * check pages' code, onnxruntime-web) bundled into one ES module by esbuild (the one Vite ships).
 * Vite's `import.meta.glob` of the shader loaders (gpu/shader-sources.vite.ts) is inlined here, so the
 * bundle carries every WGSL kernel as text; dawn.node stays outside (gpu/node-gpu.ts imports it by name).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** `import.meta.glob('/dir/*.ext', …)` → the matching files' text, keyed as Vite keys them. */
export function inlineGlobs(source: string, root: string): string {
  return source.replace(/import\.meta\.glob\(\s*'\/([^'*]*)\*(\.[a-z]+)'\s*,\s*\{[^}]*\}\s*\)/g, (_, dir: string, ext: string) => {
    const files: Record<string, string> = {};
    for (const f of readdirSync(join(root, dir)).sort())
      if (f.endsWith(ext)) files[`/${dir}${f}`] = readFileSync(join(root, dir, f), 'utf8');
    return JSON.stringify(files);
  });
}

const viteGlobs = (root: string): Plugin => ({
  name: 'vite-globs',
  setup(b) {
    b.onLoad({ filter: /\.vite\.ts$/ }, (args) => ({ contents: inlineGlobs(readFileSync(args.path, 'utf8'), root), loader: 'ts' }));
  },
});

/** Bundles the check script into `outfile` (ESM, Node 20, minified). */
export async function bundleCheck(root: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [join(root, 'scripts/gpu-kit/check/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    external: ['webgpu', 'onnxruntime-node'],
    // bundled CommonJS inside an ES module still calls require()
    banner: { js: "import { createRequire as __kitRequire } from 'node:module'; const require = __kitRequire(import.meta.url);" },
    plugins: [viteGlobs(root)],
  });
}
