/**
 * The generated graphs on onnxruntime-web's WebGPU EP, on the lab's shared device, with CPU fallback
 * disabled (a node the EP will not take fails session creation): every op case against the float64
 * interpreter, and the runtime self-checks of runtime/webgpu-check.ts. Run by the harness page
 * (runtime-webgpu.ts) and by the GPU check kit in Node (scripts/gpu-kit/check/kernels.ts); the
 * caller points ORT at its wasm files.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { getSharedGpu } from '../../src/engine/gpu/device';
import { OP_CASES } from '../../src/engine/graph/cases';
import { build } from '../../src/engine/graph/gradcheck';
import { maxRelativeError } from '../../src/engine/gpu/compare';
import { GraphBuilder } from '../../src/engine/graph/builder';
import { interpret } from '../../src/engine/graph/interpret';
import { emitOnnx } from '../../src/engine/graph/onnx/emit';
import { Rng } from '../../src/engine/util/rng';
import { tensor } from '../../src/engine/graph/tensor';
import { checkFrozen16, checkWebGpuRuntime, type Frozen16Check, type RuntimeCheck } from '../../src/engine/runtime/webgpu-check';

export interface OpResult {
  name: string;
  /** Normwise relative error of the worst output vs the float64 interpreter; null when it failed. */
  err: number | null;
  error?: string;
}

async function webgpuSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  const { device } = await getSharedGpu();
  return ort.InferenceSession.create(bytes, {
    executionProviders: [{ name: 'webgpu', device } as ort.InferenceSession.ExecutionProviderConfig],
    graphOptimizationLevel: 'all',
    extra: { session: { disable_cpu_ep_fallback: '1' } },
  });
}

/** Every op case (outputs and VJPs, graph/cases.ts) plus argMax/topK, on WebGPU without fallback. */
export async function runOpCases(): Promise<OpResult[]> {
  const results: OpResult[] = [];
  const cases = OP_CASES.map((c) => ({ name: c.name, b: build(c.fn, c.specs) }));
  const rng = new Rng(7);
  const sel = new GraphBuilder();
  const x = sel.input('x0', 'float32', [3, 7]);
  sel.output('am', sel.argMax(x, -1));
  const [v, i] = sel.topK(x, 3);
  sel.output('topv', v);
  sel.output('topi', i);
  cases.push({
    name: 'argMax + topK (int32 out)',
    b: {
      g: sel,
      feeds: {
        x0: tensor(
          [3, 7],
          Array.from({ length: 21 }, () => Math.fround(rng.normal())),
        ),
      },
    } as never,
  });
  for (const { name, b } of cases) {
    try {
      const ref = interpret(b.g, b.feeds);
      const s = await webgpuSession(emitOnnx(b.g, name).bytes);
      const feeds: Record<string, ort.Tensor> = {};
      for (const inp of b.g.inputs) {
        const d = b.feeds[inp.name!].data;
        feeds[inp.name!] =
          inp.dtype === 'float32'
            ? new ort.Tensor('float32', Float32Array.from(d), [...inp.shape])
            : new ort.Tensor('int32', Int32Array.from(d), [...inp.shape]);
      }
      const res = await s.run(feeds);
      let err = 0;
      for (const o of b.g.outputs) {
        const got = Array.from((await res[o.name!].getData()) as ArrayLike<number | bigint>, Number);
        err = Math.max(err, maxRelativeError(got, ref.get(o.id)!.data));
      }
      await s.release();
      results.push({ name, err });
    } catch (e) {
      results.push({ name, err: null, error: String((e as Error).message ?? e).slice(0, 400) });
    }
  }
  return results;
}

/** The runtime self-check (webgpu-check.ts) on the shared device, CPU fallback disabled. */
export async function runRuntimeChecks(): Promise<RuntimeCheck[]> {
  const { device } = await getSharedGpu();
  return checkWebGpuRuntime(device, { disableCpuFallback: true });
}

/** Frozen weights in 16 bits on the shared device (webgpu-check.ts checkFrozen16). */
export async function runFrozen16Check(): Promise<Frozen16Check> {
  const { device } = await getSharedGpu();
  return checkFrozen16(device, { disableCpuFallback: true });
}
