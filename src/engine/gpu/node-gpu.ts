/**
 * WebGPU in Node: Dawn's own binding (the `webgpu` npm package, a prebuilt dawn.node) gives the
 * `GPU` object the browser has as `navigator.gpu`, so the lab's one device (gpu/device.ts), its
 * WGSL kernels and onnxruntime-web's WebGPU EP (runtime/webgpu-runtime.ts) run unchanged
 * (docs/design.md §4). Node only; nothing in a browser bundle imports this file.
 *
 * Two things differ from a browser, and both are mended here and only here:
 * - the WebGPU globals (GPUBufferUsage, GPUMapMode, …) and `navigator.gpu` are not in Node: they are
 *   installed from Dawn's;
 * - dawn.node answers "Invalid argument" to a `writeBuffer` whose view lies in a SharedArrayBuffer,
 *   which is what onnxruntime-web passes (views into its threaded WebAssembly memory): such a view
 *   is copied to an ordinary ArrayBuffer first.
 *
 * Dawn reaches the GPU through Vulkan on Linux: the Vulkan loader (libvulkan.so.1) and a driver's
 * ICD (an `icd.d/*.json`). Where no adapter comes back, `vulkanDiagnosis` says which is missing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { getSharedGpu, type SharedGpu } from './device';
import { WebGpuUnavailableError } from './errors';

/** The module a dawn.node is loaded through (a variable, so bundlers leave it alone). */
const DAWN_MODULE = 'webgpu';

export class NodeGpuUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeGpuUnavailable';
  }
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

let dawn: Promise<DawnModule> | null = null;

/** Loads dawn.node once, installing the WebGPU globals and the writeBuffer copy. */
function loadDawn(): Promise<DawnModule> {
  dawn ??= (async () => {
    let mod: DawnModule;
    try {
      const m = (await import(/* @vite-ignore */ DAWN_MODULE)) as Partial<DawnModule> & { default?: DawnModule };
      mod = (m.create ? m : m.default) as DawnModule;
    } catch (e) {
      dawn = null;
      throw new NodeGpuUnavailable(
        `--backend webgpu needs Dawn's Node binding, which did not load (${(e as Error).message.split('\n')[0]}). ` +
          `Install it with \`npm install webgpu@0.6.2\` (a prebuilt dawn.node for Linux x86-64 with glibc ≥ 2.34, macOS and Windows).`,
      );
    }
    for (const [name, value] of Object.entries(mod.globals))
      if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
    copySharedWrites(mod.globals.GPUQueue as { prototype: GPUQueue } | undefined);
    return mod;
  })();
  return dawn;
}

/**
 * queue.writeBuffer with a view into shared memory gets a copy of the bytes it writes (dawn.node
 * refuses shared views; the browser takes them). Everything else passes through untouched.
 */
function copySharedWrites(queueClass: { prototype: GPUQueue } | undefined): void {
  const proto = queueClass?.prototype as (GPUQueue & { [patched]?: true }) | undefined;
  if (!proto || proto[patched]) return;
  const write = proto.writeBuffer;
  proto.writeBuffer = function (this: GPUQueue, buffer, offset, data, dataOffset?, size?) {
    if (typeof SharedArrayBuffer !== 'undefined' && (data as ArrayBufferView).buffer instanceof SharedArrayBuffer) {
      // dataOffset and size count elements of a typed array, bytes otherwise: copy just those.
      const view = data as ArrayBufferView;
      const per = 'BYTES_PER_ELEMENT' in view ? (view as Uint8Array).BYTES_PER_ELEMENT : 1;
      const from = view.byteOffset + (dataOffset ?? 0) * per;
      const bytes = size === undefined ? view.byteLength - (dataOffset ?? 0) * per : size * per;
      return write.call(this, buffer, offset, new Uint8Array(view.buffer, from, bytes).slice());
    }
    return write.call(this, buffer, offset, data as GPUAllowSharedBufferSource, dataOffset, size);
  } as GPUQueue['writeBuffer'];
  proto[patched] = true;
}
const patched = Symbol.for('stableedit-lab.writeBufferCopiesShared');

let gpu: Promise<GPU> | null = null;

/** Dawn's GPU object, also installed as `navigator.gpu` (onnxruntime-web looks for it there). */
export function nodeGpu(): Promise<GPU> {
  gpu ??= loadDawn().then(
    (mod) => {
      const g = mod.create([]);
      const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: GPU };
      if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: g, configurable: true });
      return g;
    },
    (e: unknown) => {
      gpu = null;
      throw e;
    },
  );
  return gpu;
}

/**
 * The lab's one device (gpu/device.ts getSharedGpu) on Dawn; where Dawn offers no adapter, the error
 * says what to install (vulkanDiagnosis).
 */
export async function nodeSharedGpu(): Promise<SharedGpu> {
  const g = await nodeGpu();
  // Every node of our graphs runs on the WebGPU EP (docs/design.md §4): the wasm module under it needs no thread pool.
  (await import('onnxruntime-web/webgpu')).env.wasm.numThreads = 1;
  try {
    return await getSharedGpu(g);
  } catch (e) {
    if (e instanceof WebGpuUnavailableError && e.reason === 'no-adapter')
      throw new NodeGpuUnavailable(`Dawn offered no WebGPU adapter: ${vulkanDiagnosis()}`);
    throw e;
  }
}

/** The folders the Vulkan loader reads ICD manifests from (Linux), first those of VK_ICD_FILENAMES. */
export const ICD_DIRS = [
  '/usr/local/nvidia/share/vulkan/icd.d',
  '/etc/vulkan/icd.d',
  '/usr/share/vulkan/icd.d',
  '/usr/local/share/vulkan/icd.d',
  '/usr/local/etc/vulkan/icd.d',
];

/** Vulkan ICD manifests the loader would find here: VK_ICD_FILENAMES / VK_DRIVER_FILES, else the usual folders. */
export function icdManifests(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES;
  if (listed) return listed.split(delimiter).filter((f) => f && existsSync(f));
  return ICD_DIRS.flatMap((d) =>
    existsSync(d)
      ? readdirSync(d)
          .filter((f) => f.endsWith('.json'))
          .map((f) => join(d, f))
      : [],
  );
}

/** Whether the Vulkan loader library can be found (LD_LIBRARY_PATH, then the system's library folders). */
export function vulkanLoaderFound(env: NodeJS.ProcessEnv = process.env): boolean {
  const dirs = [
    ...(env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean),
    '/lib/x86_64-linux-gnu',
    '/usr/lib/x86_64-linux-gnu',
    '/lib64',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/lib/aarch64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
  ];
  return dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

/** What to install when Dawn offered no adapter: the Vulkan loader, a driver's ICD, or neither missing. */
export function vulkanDiagnosis(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform !== 'linux') return 'no WebGPU adapter was offered (is a GPU driver with Vulkan, Metal or D3D12 installed?)';
  if (!vulkanLoaderFound(env))
    return 'the Vulkan loader libvulkan.so.1 was not found: install it (`apt-get install libvulkan1` on Debian/Ubuntu) or put its folder on LD_LIBRARY_PATH';
  const icds = icdManifests(env);
  if (icds.length === 0)
    return (
      `no Vulkan driver (ICD manifest) was found${env.VK_ICD_FILENAMES ? ` at VK_ICD_FILENAMES=${env.VK_ICD_FILENAMES}` : ` in ${ICD_DIRS.join(', ')}`}: ` +
      'install the GPU driver with its Vulkan part (NVIDIA: the driver ships nvidia_icd.json; Mesa: `apt-get install mesa-vulkan-drivers`), or point VK_ICD_FILENAMES at its JSON'
    );
  return `Vulkan found the drivers ${icds.join(', ')} but none gave an adapter (a driver too old for Vulkan 1.1, or no device it can use)`;
}

/** Where this module's dawn.node comes from, for the kit that ships it (scripts/gpu-kit). */
export function dawnPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve(`${DAWN_MODULE}/package.json`));
}
