/**
 * `npx tsx --expose-gc benchmarks/node/weights16.ts --repo R --layers L --mode memory16|memory32|time [--backend native|wasm]`:
 * frozen weights held in 16 bits (docs/design.md §4) on a real-shape BF16 checkpoint (random weights,
 * model/real-shape.ts). `memory*`: the process's ArrayBuffer bytes after GC once the CPU runtime holds
 * the model, less those of the checkpoint's bytes (one mode per process, so neither sees the other's
 * garbage), its peak while loading (sampled after every tensor), how many tensors fp16 holds, and the
 * process's RSS before and at the peak of a first capture and score pass (sessions created, the fp32
 * widenings of the frozen tensors in flight).
 * `time`: forward (logits), capture and score passes of one 10-record sub-batch on both runtimes,
 * alternating pass by pass so a shared machine's load falls on both alike; medians, and a check that
 * both give the same bits.
 */
import { loadavg } from 'node:os';
import { memoryFolder } from '../../src/engine/io/memory';
import { loadModel } from '../../src/engine/model/load';
import { realShapeCheckpoint } from '../../src/engine/model/real-shape';
import { buildSubBatches } from '../../src/engine/run/batching';
import { createCpuRuntime } from '../../src/engine/runtime/cpu-runtime';
import { flag } from './flag';

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const MiB = (n: number) => (n / 2 ** 20).toFixed(0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Same bits throughout: typed arrays by their bytes, objects and arrays by their fields. */
function sameBits(a: unknown, b: unknown): boolean {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const [x, y] = [new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength)];
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => sameBits((a as never)[k], (b as never)[k]));
  }
  return Object.is(a, b);
}

async function main() {
  const argv = process.argv.slice(2);
  const repo = flag(argv, 'repo', 'HuggingFaceTB/SmolLM2-135M');
  const layers = Number(flag(argv, 'layers', '2'));
  const mode = flag(argv, 'mode', 'memory16');
  const reps = Number(flag(argv, 'reps', '5'));
  const backend = flag(argv, 'backend', 'native');
  if (backend !== 'native' && backend !== 'wasm') throw new Error('--backend takes native or wasm');
  if (!(globalThis as { gc?: unknown }).gc) throw new Error('run with node --expose-gc (npx tsx --expose-gc …)');
  const ckpt = realShapeCheckpoint(repo, { layers, seed: 7, dtype: 'BF16' });
  const folder = () => memoryFolder(repo, ckpt.files);
  gc();
  const base = process.memoryUsage().arrayBuffers;
  if (mode === 'memory16' || mode === 'memory32') {
    let peak = 0;
    const m = await loadModel(folder(), {
      frozen16: mode === 'memory16',
      onProgress: () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers - base)),
    });
    const rt = await createCpuRuntime(m, { backend });
    gc();
    const held = process.memoryUsage().arrayBuffers - base;
    // The process's RSS through a capture and a score pass (sampled every 5 ms; ORT runs off the main thread).
    const pairs = Array.from({ length: 10 }, (_, i) => ({
      id: i,
      prompt: `The capital of country number ${i} is the city of`,
      target: `Town ${i}`,
    }));
    const [sb] = buildSubBatches(m.tokenizer, pairs, { subBatch: 10 });
    const rss0 = process.memoryUsage().rss;
    let rssPeak = rss0;
    const timer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5);
    await rt.predict(sb);
    const scorePeak = rssPeak;
    await rt.capture(sb, [m.modules.at(-1)!.name]);
    clearInterval(timer);
    console.log(
      `${repo} ${layers} layers ${mode}: weights held ${MiB(held)} MiB (runtime's count ${MiB(rt.precision.heldBytes)} MiB), ` +
        `peak while loading ${MiB(peak)} MiB, RSS ${MiB(rss0)} MiB before a score and a capture pass, ${MiB(scorePeak)} MiB at the score's peak, ${MiB(rssPeak)} MiB at the capture's, fp16 tensors ${rt.precision.fp16Tensors}/${m.weights.size}, kept fp32 for their values ${m.fp32Reasons.size}` +
        [...m.fp32Reasons].map(([k, why]) => `\n  ${k}: ${why}`).join(''),
    );
    await rt.dispose();
    return;
  }
  const m32 = await loadModel(folder());
  const m16 = await loadModel(folder(), { frozen16: true });
  const rts = { fp32: await createCpuRuntime(m32, { backend }), fp16: await createCpuRuntime(m16, { backend }) };
  const pairs = Array.from({ length: 10 }, (_, i) => ({
    id: i,
    prompt: `The capital of country number ${i} is the city of`,
    target: `Town ${i}`,
  }));
  const [sb] = buildSubBatches(m32.tokenizer, pairs, { subBatch: 10 });
  const mods = [m32.modules.at(-1)!.name];
  const passes = {
    forward: (rt: typeof rts.fp32) => rt.logits(sb),
    capture: (rt: typeof rts.fp32) => rt.capture(sb, mods),
    score: (rt: typeof rts.fp32) => rt.predict(sb),
  };
  const load0 = loadavg()[0];
  for (const [pass, run] of Object.entries(passes)) {
    const ms: Record<string, number[]> = { fp32: [], fp16: [] };
    const out: Record<string, unknown> = {};
    for (let r = 0; r <= reps; r++)
      for (const [k, rt] of Object.entries(rts)) {
        const t0 = performance.now();
        out[k] = await run(rt);
        if (r > 0) ms[k].push(performance.now() - t0); // rep 0 creates the sessions
      }
    const [a, b] = [median(ms.fp32), median(ms.fp16)];
    const same = sameBits(out.fp32, out.fp16);
    console.log(
      `${repo} ${layers} layers ${backend} ${pass}: fp32 ${a.toFixed(0)} ms, fp16 ${b.toFixed(0)} ms (×${(b / a).toFixed(2)}), same bits: ${same}`,
    );
  }
  console.log(`load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${reps} reps`);
  await rts.fp32.dispose();
  await rts.fp16.dispose();
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
