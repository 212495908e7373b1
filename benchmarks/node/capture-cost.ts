/**
 * Capture cost vs a forward-only pass on the same sub-batch, and graph sizes, per architecture
 * (`npx tsx benchmarks/node/capture-cost.ts [hidden] [layers]`). Sessions are warmed first, so the
 * numbers are steady-state run times on the wasm EP, one thread.
 */
import { memoryFolder } from '../../src/engine/io/memory';
import { tinyCheckpoint } from '../../src/engine/model/generate-tiny';
import { loadModel } from '../../src/engine/model/load';
import type { Architecture } from '../../src/engine/model/spec';
import { buildSubBatches } from '../../src/engine/run/batching';
import { TINY_CORPUS } from '../../src/engine/model/tiny-tokenizer';
import { createWasmRuntime } from '../../src/engine/runtime/wasm-runtime';

async function time(f: () => Promise<unknown>, reps: number): Promise<number> {
  await f();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await f();
  return (performance.now() - t0) / reps;
}

async function main() {
  const hidden = Number(process.argv[2] ?? 256);
  const layers = Number(process.argv[3] ?? 4);
  const sentences = TINY_CORPUS.split(/(?<=[.?])\s+/).filter((s) => s.split(' ').length > 4);
  const pairs = sentences.slice(0, 10).map((s, id) => {
    const w = s.split(' ');
    return { id, prompt: w.slice(0, -2).join(' '), target: w.slice(-2).join(' ') };
  });
  for (const arch of ['gpt2', 'llama', 'qwen2', 'mistral'] as Architecture[]) {
    const m = await loadModel(memoryFolder('bench', tinyCheckpoint({ arch, seed: 1, hidden, layers, heads: 8, maxPositions: 128 })));
    const rt = await createWasmRuntime(m);
    const [sb] = buildSubBatches(m.tokenizer, pairs, { subBatch: 10 });
    const top = [m.modules[m.modules.length - 1].name];
    const all = m.modules.map((x) => x.name);
    const t0 = performance.now();
    await rt.capture(sb, all);
    const firstCapture = performance.now() - t0; // emission + session creation + one run
    const fwd = await time(() => rt.logits(sb), 10);
    const pred = await time(() => rt.predict(sb), 10);
    const capTop = await time(() => rt.capture(sb, top), 10);
    const capAll = await time(() => rt.capture(sb, all), 10);
    const nodes = Object.fromEntries(
      [...rt.stats().nodeCounts].map(([k, n]) => [
        k.split(' ')[0] + (k.includes(',') ? '(all layers)' : k.startsWith('capture') ? '(top layer)' : ''),
        n,
      ]),
    );
    console.log(
      JSON.stringify({
        arch,
        hidden,
        layers,
        vocab: m.spec.vocabSize,
        batch: sb.batch,
        seqLen: sb.seqLen,
        labels: sb.labelPositions.length,
        ms: {
          forward: +fwd.toFixed(2),
          predict: +pred.toFixed(2),
          captureTopLayer: +capTop.toFixed(2),
          captureAllLayers: +capAll.toFixed(2),
          firstCaptureAllLayers: +firstCapture.toFixed(1),
        },
        ratio: { topLayer: +(capTop / fwd).toFixed(2), allLayers: +(capAll / fwd).toFixed(2) },
        nodes,
      }),
    );
    await rt.dispose();
  }
}

void main();
