/**
 * `npm run gpu-kit -- --out DIR [--xz-level N]`: writes the GPU check kit, a self-contained folder of
 * at most 56 MiB (docs/benchmarks.md, "The GPU check kit"):
 *   DIR/run.sh           the runner (scripts/gpu-kit/run.sh): `bash DIR/run.sh OUT [--tiny]`
 *   DIR/payload.tar.xz   bin/node (this Node), app/check.mjs (the engine and checks, bundle.ts),
 *                        app/*.wasm (the two ORT binaries the bundle loads), app/node_modules/webgpu
 *                        (dawn.node), app/demo (tokenizer and edit stream), lib/libvulkan.so.1
 *                        (Debian's loader, vulkan-loader.ts), lib/fallback (this libstdc++),
 *                        peer/turn.py (the PyTorch turn)
 *   DIR/VERSION          the commit and build time
 * xz at level 1 by default: a few seconds, against ~25 s more at level 6 for ~5 MiB less.
 */
import { execFileSync, execSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dawnPackageDir } from '../../src/engine/gpu/node-gpu';
import { bundleCheck } from './bundle';
import { vulkanLoader } from './vulkan-loader';

export const KIT_LIMIT_BYTES = 56 * 2 ** 20;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ORT_WASM = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.jsep.wasm'];
const DEMO_MODEL = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];

const copy = (from: string, to: string) => {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
};

/** Every file's bytes under a folder. */
export function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
}

export async function buildKit(out: string, o: { xzLevel?: number; log?: (l: string) => void } = {}): Promise<{ bytes: number }> {
  const log = o.log ?? (() => {});
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`gpu-kit: builds on Linux x86-64 only (it ships this Node), not ${process.platform}-${process.arch}`);
  const stage = mkdtempSync(join(tmpdir(), 'gpu-kit-'));
  try {
    copy(process.execPath, join(stage, 'bin/node'));
    await bundleCheck(ROOT, join(stage, 'app/check.mjs'));
    for (const f of ORT_WASM) copy(join(ROOT, 'node_modules/onnxruntime-web/dist', f), join(stage, 'app', f));
    const dawn = dawnPackageDir();
    for (const f of ['package.json', 'index.js', 'LICENSE.md', 'dist/linux-x64/dawn.node'])
      copy(join(dawn, f), join(stage, 'app/node_modules/webgpu', f));
    for (const f of DEMO_MODEL) copy(join(ROOT, 'public/demo/model', f), join(stage, 'app/demo/model', f));
    copy(join(ROOT, 'public/demo/data/edits.eval.json'), join(stage, 'app/demo/edits.eval.json'));
    const deb = vulkanLoader(join(ROOT, 'node_modules/.cache/gpu-kit'), join(stage, 'lib'));
    for (const lib of ['libstdc++.so.6', 'libgcc_s.so.1']) {
      const at = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu'].map((d) => join(d, lib)).find(existsSync);
      if (at) copy(realpathSync(at), join(stage, 'lib/fallback', lib));
    }
    copy(join(ROOT, 'benchmarks/peer/turn.py'), join(stage, 'peer/turn.py'));
    log(`staged ${(folderBytes(stage) / 2 ** 20).toFixed(1)} MiB (Vulkan loader from ${deb})`);

    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    execSync(`tar -C "${stage}" -cf - bin app lib peer | xz -T0 -${o.xzLevel ?? 1} > "${join(out, 'payload.tar.xz')}"`, {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    cpSync(join(ROOT, 'scripts/gpu-kit/run.sh'), join(out, 'run.sh'));
    const commit = (() => {
      try {
        return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
      } catch {
        return 'unknown commit';
      }
    })();
    writeFileSync(
      join(out, 'VERSION'),
      `stableedit-lab gpu-kit ${commit} built ${new Date().toISOString()} with Node ${process.version}\n`,
    );
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  const bytes = folderBytes(out);
  if (bytes > KIT_LIMIT_BYTES)
    throw new Error(`gpu-kit: ${out} is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${KIT_LIMIT_BYTES / 2 ** 20} MiB limit`);
  return { bytes };
}

if (process.argv[1]?.endsWith('build.ts')) {
  const argv = process.argv.slice(2);
  const at = (flag: string) => (argv.indexOf(flag) >= 0 ? argv[argv.indexOf(flag) + 1] : undefined);
  const out = at('--out');
  if (!out) {
    console.error('usage: npm run gpu-kit -- --out DIR [--xz-level 0-9]');
    process.exit(2);
  }
  const t0 = performance.now();
  buildKit(out, { xzLevel: at('--xz-level') === undefined ? undefined : Number(at('--xz-level')), log: (l) => console.error(l) }).then(
    ({ bytes }) => {
      console.error(
        `gpu-kit: ${out} — ${(bytes / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s; run it with: bash ${out}/run.sh OUT`,
      );
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
