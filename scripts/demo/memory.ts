/**
 * Gives a trained demo model a wide, sparse MLP: M extra units per layer that each fire for about a
 * fraction p of the prompts the model was trained on, silent until an editor writes into their
 * down_proj columns — a measurement of the demo's editing geometry (docs/demo.md, "Sparse memory
 * units"), not the shipped model.
 *   npx tsx scripts/demo/memory.ts --model-out DIR [--model-in public/demo/model] [--units 2048]
 *        [--active 0.01] [--sharpness 100] [--gain 4] [--samples 2000] [--seed 6] [--data public/demo/data]
 *
 * A unit j of layer l reads the MLP input x (post_attention_layernorm) at the positions that predict
 * an answer: z_j = r_j·C^{-1/2}(x − μ), with μ, C the mean and covariance of those x over a seeded
 * sample of the training corpus and r_j a seeded random unit vector, so z_j is ~N(0, 1) over the
 * corpus and two prompts share a unit only when their whitened inputs point the same way. Its key is
 * silu(s·(z_j − τ_j))·gain/s ≈ gain·max(z_j − τ_j, 0), τ_j the (1 − p) quantile of z_j over the
 * sample: Llama's mlp_bias gate (weight s·C^{-1/2}r_j, bias −s·(r_j·C^{-1/2}μ + τ_j)) times an up_proj
 * of weight 0 and bias gain/s. Its down_proj column is 0, so the model computes what it computed before.
 */
import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { int, num, parseFlags, str, type FlagTable } from '../../src/cli/args';
import { nodeFolder } from '../../src/engine/io/node-files';
import { loadModel } from '../../src/engine/model/load';
import { referenceForward, rmsNorm } from '../../src/engine/reference/forward';
import { tokenizePair } from '../../src/engine/run/batching';
import { inverseSqrtEigh } from '../../src/engine/linalg/inverse-sqrt';
import { columnMoments } from '../../src/engine/linalg/moments';
import { encodeSafetensors, type TensorToWrite } from '../../src/engine/safetensors/encode';
import { Rng } from '../../src/engine/util/rng';
import { corpusPairs } from './train/data';

const FLAGS = {
  'model-in': { kind: 'string' },
  'model-out': { kind: 'string' },
  data: { kind: 'string' },
  units: { kind: 'int' },
  active: { kind: 'number' },
  sharpness: { kind: 'number' },
  gain: { kind: 'number' },
  seed: { kind: 'int' },
  samples: { kind: 'int' },
} satisfies FlagTable;

async function main(argv: string[]) {
  const f = parseFlags(argv, FLAGS);
  const dirIn = str(f, 'model-in', 'public/demo/model');
  // Never the input folder: the shipped demo model stays as it is.
  const dirOut = str(f, 'model-out');
  if (dirOut === dirIn) throw new Error('--model-out must be another folder than --model-in');
  const dataDir = str(f, 'data', 'public/demo/data');
  const M = int(f, 'units', 2048);
  const p = num(f, 'active', 0.01);
  const s = num(f, 'sharpness', 100);
  const gain = num(f, 'gain', 4);
  const seed = int(f, 'seed', 6);
  const samples = int(f, 'samples', 2000);

  const model = await loadModel(nodeFolder(dirIn));
  const { spec, weights, tokenizer } = model;
  if (spec.arch !== 'llama' || spec.mlpBias) throw new Error(`${dirIn}: expected a llama model without mlp_bias`);
  const H = spec.hidden;
  const I = spec.intermediate;
  const L = spec.layers;

  // MLP inputs at the answer-predicting positions of (a seeded sample of) the training corpus.
  const pairs = corpusPairs(JSON.parse(readFileSync(join(dataDir, 'train-corpus.json'), 'utf8')), ['template']);
  const rng = new Rng(seed);
  const order = rng.shuffle(pairs.map((_, i) => i));
  const picked = order.slice(0, Math.min(samples, pairs.length)).map((i) => pairs[i]);
  const xs: number[][] = Array.from({ length: L }, () => []);
  const mods = Array.from({ length: L }, (_, l) => `model.layers.${l}.mlp.down_proj`);
  let done = 0;
  for (const pair of picked) {
    const t = tokenizePair(tokenizer, pair);
    const T = t.inputIds.length;
    const r = referenceForward(
      spec,
      weights,
      { batch: 1, seqLen: T, inputIds: t.inputIds, attentionMask: new Array(T).fill(1) },
      { capture: mods },
    );
    const rows: number[] = [];
    t.labels.forEach((lab, i) => lab >= 0 && rows.push(i));
    for (let l = 0; l < L; l++) {
      // Residual entering the MLP = block output − MLP output; x = its RMSNorm.
      const out = r.blockOutputs[l];
      const mlp = r.moduleOutputs.get(mods[l])!;
      const mid = new Float64Array(T * H);
      for (let i = 0; i < T * H; i++) mid[i] = out[i] - mlp[i];
      const x = rmsNorm(mid, weights.get(`model.layers.${l}.post_attention_layernorm.weight`)!, spec.normEps);
      for (const row of rows) for (let c = 0; c < H; c++) xs[l].push(x[row * H + c]);
    }
    if (++done % 500 === 0) console.error(`memory: ${done}/${picked.length} prompts`);
  }

  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [n, t] of weights) out.set(n, { shape: [...t.shape], data: t.data });
  const I2 = I + M;
  for (let l = 0; l < L; l++) {
    const pre = `model.layers.${l}.mlp`;
    const X = Float64Array.from(xs[l]);
    const n = X.length / H;
    const { mean } = columnMoments(X, n, H);
    // Covariance of x (full), then its inverse square root.
    const C = new Float64Array(H * H);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < H; a++) {
        const da = X[i * H + a] - mean[a];
        for (let b = 0; b < H; b++) C[a * H + b] += (da * (X[i * H + b] - mean[b])) / n;
      }
    const { invSqrt } = inverseSqrtEigh(C, H, 1e-8);
    const gateW = new Float32Array(I2 * H);
    const gateB = new Float32Array(I2);
    const upW = new Float32Array(I2 * H);
    const upB = new Float32Array(I2);
    const downW = new Float32Array(H * I2);
    const oldGate = weights.get(`${pre}.gate_proj.weight`)!.data;
    const oldUp = weights.get(`${pre}.up_proj.weight`)!.data;
    const oldDown = weights.get(`${pre}.down_proj.weight`)!.data;
    gateW.set(oldGate);
    upW.set(oldUp);
    for (let o = 0; o < H; o++) for (let j = 0; j < I; j++) downW[o * I2 + j] = oldDown[o * I + j];
    const urng = new Rng(seed * 1000 + l);
    const z = new Float64Array(n);
    for (let j = 0; j < M; j++) {
      const r = urng.normals(H, 1) as Float64Array;
      const rn = Math.hypot(...r);
      // w = C^{-1/2} r / ‖r‖ (C^{-1/2} is symmetric).
      const w = new Float64Array(H);
      for (let a = 0; a < H; a++) {
        let acc = 0;
        for (let b = 0; b < H; b++) acc += invSqrt[a * H + b] * r[b];
        w[a] = acc / rn;
      }
      let wmu = 0;
      for (let a = 0; a < H; a++) wmu += w[a] * mean[a];
      for (let i = 0; i < n; i++) {
        let acc = -wmu;
        for (let a = 0; a < H; a++) acc += w[a] * X[i * H + a];
        z[i] = acc;
      }
      const sorted = Float64Array.from(z).sort();
      const tau = sorted[Math.min(n - 1, Math.floor((1 - p) * n))];
      for (let a = 0; a < H; a++) gateW[(I + j) * H + a] = s * w[a];
      gateB[I + j] = -s * (wmu + tau);
      upB[I + j] = gain / s;
    }
    out.set(`${pre}.gate_proj.weight`, { shape: [I2, H], data: gateW });
    out.set(`${pre}.gate_proj.bias`, { shape: [I2], data: gateB });
    out.set(`${pre}.up_proj.weight`, { shape: [I2, H], data: upW });
    out.set(`${pre}.up_proj.bias`, { shape: [I2], data: upB });
    out.set(`${pre}.down_proj.weight`, { shape: [H, I2], data: downW });
    out.set(`${pre}.down_proj.bias`, { shape: [H], data: new Float32Array(H) });
    console.error(`memory: layer ${l}: ${M} units over ${n} corpus positions`);
  }

  mkdirSync(dirOut, { recursive: true });
  const config = JSON.parse(readFileSync(join(dirIn, 'config.json'), 'utf8'));
  config.intermediate_size = I2;
  config.mlp_bias = true;
  writeFileSync(join(dirOut, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  for (const t of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(dirIn, t), join(dirOut, t));
  const dtype = config.torch_dtype === 'float16' ? 'F16' : 'F32';
  const tensors: Record<string, TensorToWrite> = {};
  for (const [n, t] of out) tensors[n] = { dtype, shape: t.shape, data: t.data };
  writeFileSync(
    join(dirOut, 'model.safetensors'),
    encodeSafetensors(tensors, { format: 'pt', memory: JSON.stringify({ M, p, s, gain, seed, samples }) }),
  );
  console.error(`memory: wrote ${dirOut} (intermediate ${I} → ${I2})`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(`memory: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
