/**
 * Which onnxruntime executes our graphs on the CPU: `native` (onnxruntime-node, the native CPU
 * execution provider, every core; Node only) or `wasm` (onnxruntime-web's WebAssembly EP; Node and
 * the browser). Both are the same ORT API (onnxruntime-common), so one session class drives either.
 *
 * `auto` is native in Node when the package loads and wasm otherwise (the browser, or a Node where the
 * binary is missing: then a one-line warning says why). Asking for `native` explicitly where it cannot
 * load is an error naming the reason.
 *
 * onnxruntime-node is imported through a variable specifier so that browser bundles never see it.
 */
import * as ortWeb from 'onnxruntime-web';
import { lockWasmThreads } from '../runtime/wasm-threads';
import { InputError } from '../types';

export const CPU_BACKENDS = ['native', 'wasm'] as const;
export type CpuBackend = (typeof CPU_BACKENDS)[number];
export type CpuBackendChoice = CpuBackend | 'auto';

/** The part of the ORT API a session needs (identical in onnxruntime-web and onnxruntime-node). */
export type OrtApi = Pick<typeof ortWeb, 'InferenceSession' | 'Tensor'>;

const NATIVE_MODULE = 'onnxruntime-node';

const isNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

let native: Promise<{ api: OrtApi } | { error: string }> | null = null;

function loadNative(): Promise<{ api: OrtApi } | { error: string }> {
  native ??= (async () => {
    if (!isNode()) return { error: 'onnxruntime-node runs in Node only' };
    try {
      const mod = (await import(/* @vite-ignore */ NATIVE_MODULE)) as OrtApi & { default?: OrtApi };
      const api = mod.InferenceSession ? mod : mod.default;
      if (!api?.InferenceSession) return { error: `${NATIVE_MODULE} loaded without an InferenceSession export` };
      return { api };
    } catch (e) {
      return { error: `${NATIVE_MODULE} could not be loaded: ${(e as Error).message.split('\n')[0]}` };
    }
  })();
  return native;
}

/** Why the native backend is unavailable here, or null when it loads. */
export async function nativeUnavailable(): Promise<string | null> {
  const n = await loadNative();
  return 'error' in n ? n.error : null;
}

let warned = false;

/** The backend a choice resolves to here, with its ORT API. */
export async function resolveCpuBackend(choice: CpuBackendChoice = 'auto'): Promise<{ backend: CpuBackend; ort: OrtApi }> {
  const wasm = () => {
    lockWasmThreads();
    return { backend: 'wasm' as const, ort: ortWeb };
  };
  if (choice === 'wasm') return wasm();
  if (choice !== 'native' && choice !== 'auto')
    throw new Error(`CPU backend: '${String(choice)}' is not one of ${CPU_BACKENDS.join(', ')} (or auto)`);
  if (choice === 'auto' && !isNode()) return wasm();
  const n = await loadNative();
  if ('api' in n) return { backend: 'native', ort: n.api };
  if (choice === 'native') throw new Error(`the native backend is unavailable: ${n.error}`);
  if (!warned) {
    warned = true;
    console.warn(`warning: ${n.error}; running graphs on the wasm backend`);
  }
  return wasm();
}

/** Parses a --backend value (the CLI and the benchmark share it). */
export function parseCpuBackend(value: string | undefined, where = '--backend'): CpuBackendChoice {
  if (value === undefined || value === 'auto') return 'auto';
  if ((CPU_BACKENDS as readonly string[]).includes(value)) return value as CpuBackend;
  throw new InputError(where, `'${value}' is not a backend (native, wasm or auto)`);
}
