/**
 * How separable a model's edit keys are (docs/demo.md, "The frontier"): for the first 200 records of
 * the demo eval stream, per editable module, the mean key norm ‖k‖, the norm of the keys' mean, the
 * mean |cos| between the keys of two different records, and the mean squared value gradient.
 *   npx tsx scripts/demo/key-geometry.ts [MODEL_DIR=public/demo/model]
 */
import { loadModel } from '../../src/engine/model/load';
import { nodeFile, nodeFolder } from '../../src/engine/io/node-files';
import { loadDataset } from '../../src/engine/data/dataset';
import { createWasmRuntime } from '../../src/engine/runtime/wasm-runtime';
import { buildSubBatches, editPairs } from '../../src/engine/run/batching';

const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));

async function main(dir: string) {
  const model = await loadModel(nodeFolder(dir));
  const rt = await createWasmRuntime(model);
  const { records } = await loadDataset(nodeFile('public/demo/data/edits.eval.json'), { limit: 200 });
  const mods = model.modules.map((m) => m.name);
  const keys = new Map<string, Float32Array[]>(mods.map((m) => [m, []]));
  const g2 = new Map<string, number[]>(mods.map((m) => [m, []]));
  for (const sb of buildSubBatches(model.tokenizer, editPairs(records), { subBatch: 20 })) {
    const c = await rt.capture(sb, mods);
    for (const m of c.modules)
      for (let r = 0; r < m.rows; r++) {
        keys.get(m.module)!.push(Float32Array.from(m.keys.subarray(r * m.dIn, (r + 1) * m.dIn)));
        const g = m.grads.subarray(r * m.dOut, (r + 1) * m.dOut);
        g2.get(m.module)!.push(g.reduce((s, x) => s + x * x, 0) / m.dOut);
      }
  }
  await rt.dispose();
  for (const m of mods) {
    const ks = keys.get(m)!;
    const d = ks[0].length;
    const mean = new Float32Array(d);
    for (const k of ks) for (let p = 0; p < d; p++) mean[p] += k[p] / ks.length;
    let cos = 0;
    let pairs = 0;
    for (let i = 0; i < ks.length; i++)
      for (let j = i + 1; j < ks.length; j++) {
        let dot = 0;
        for (let p = 0; p < d; p++) dot += ks[i][p] * ks[j][p];
        cos += Math.abs(dot / (norm(ks[i]) * norm(ks[j])));
        pairs++;
      }
    const kn = ks.reduce((s, k) => s + norm(k), 0) / ks.length;
    const gm = g2.get(m)!.reduce((s, x) => s + x, 0) / ks.length;
    console.log(
      `${m}: ${ks.length} keys, ‖k‖ ${kn.toFixed(2)}, ‖mean k‖ ${norm(mean).toFixed(2)}, mean |cos| ${(cos / pairs).toFixed(3)}, mean g² ${gm.toExponential(2)}`,
    );
  }
}

main(process.argv[2] ?? 'public/demo/model').catch((e) => {
  console.error(`key-geometry: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
