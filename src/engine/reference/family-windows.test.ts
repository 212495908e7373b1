/**
 * Sliding-window attention applied exactly, as transformers' sliding_window_overlay has it (query i
 * sees key j iff j ≤ i and i − j < w, i.e. kv_idx > q_idx − sliding_window): on a one-layer model whose
 * layer is local, a position's logits depend on the token at j exactly when j is in its window, so
 * changing one token changes those rows and leaves every other row bit for bit. Checked on the float64
 * reference and on the ONNX forward graph the page and the CLI run (ORT fp32), for Gemma 2 and 3
 * (local layer 0), Phi-3 (every layer) and Qwen3 (a use_sliding_window layer), w = 3 over 7 tokens.
 * GPT-J, which has no window, is the control: every later row changes.
 */
import { describe, expect, it } from 'vitest';
import { buildForwardGraph } from '../graph/models/transformer';
import { GraphSession } from '../graph/ort-session';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint } from '../model/generate-tiny';
import { loadModel } from '../model/load';
import type { Architecture, ModelSpec, Weights } from '../model/spec';
import { referenceForward } from './forward';

const T = 7;
const W = 3;

/** Which rows' logits changed when token j changed, by the reference and by ORT. */
async function changedRows(spec: ModelSpec, weights: Weights, j: number): Promise<{ ref: number[]; ort: number[] }> {
  const ids = Array.from({ length: T }, (_, i) => (5 * i + 3) % spec.vocabSize);
  const other = ids.slice();
  other[j] = (ids[j] + 7) % spec.vocabSize;
  const mask = ids.map(() => 1);
  const V = spec.vocabSize;
  const rows = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) =>
    Array.from({ length: T }, (_, i) => i).filter((i) => {
      let d = 0;
      for (let v = 0; v < V; v++) d = Math.max(d, Math.abs(a[i * V + v] - b[i * V + v]));
      return d > tol;
    });
  const ref = (x: number[]) => referenceForward(spec, weights, { batch: 1, seqLen: T, inputIds: x, attentionMask: mask }).logits;
  const mg = buildForwardGraph(spec, { batch: 1, seqLen: T });
  const s = await GraphSession.fromGraph(mg.g);
  const ort = async (x: number[]) => {
    const feeds = Object.fromEntries(
      mg.g.inputs.map((v) => [
        v.name!,
        v.name === 'input_ids' ? Int32Array.from(x) : v.name === 'attention_mask' ? Int32Array.from(mask) : weights.get(v.name!)!.data,
      ]),
    );
    return (await s.run(feeds)).logits as Float32Array;
  };
  const out = { ref: rows(ref(ids), ref(other), 0), ort: rows(await ort(ids), await ort(other), 0) };
  await s.release();
  return out;
}

const CASES: [string, Architecture, (spec: ModelSpec) => ModelSpec][] = [
  ['gemma2 (layer 0 local)', 'gemma2', (s) => s],
  ['gemma3_text (layer 0 local)', 'gemma3_text', (s) => s],
  ['phi3 (every layer)', 'phi3', (s) => s],
  // The tiny Qwen3 has the window on layer 1 (max_window_layers 1); its one layer here is that one's rule.
  ['qwen3 (a use_sliding_window layer)', 'qwen3', (s) => ({ ...s, layers: 1, layerWindows: [W] })],
  ['gptj (no window: the control)', 'gptj', (s) => s],
];

describe.each(CASES)('sliding window, exactly: %s', (_name, arch, adjust) => {
  it(`changing token j changes the logits of rows j ≤ i < j + ${W} and no other (reference and ORT)`, async () => {
    const layers = arch === 'qwen3' ? 2 : 1;
    const m = await loadModel(memoryFolder('tiny', tinyCheckpoint({ arch, seed: 41, layers, window: W })));
    const spec = adjust(m.spec);
    const windowed = arch !== 'gptj';
    expect(spec.layerWindows?.[0] ?? null).toBe(windowed ? W : null);
    for (let j = 0; j < T; j++) {
      const want = Array.from({ length: T }, (_, i) => i).filter((i) => i >= j && (!windowed || i - j < W));
      const got = await changedRows(spec, m.weights as Weights, j);
      expect(got.ref, `reference, token ${j}`).toEqual(want);
      expect(got.ort, `ORT, token ${j}`).toEqual(want);
    }
  });
});
