/**
 * How far MEMIT's target optimization (src/engine/editors/locate/compute-z.ts) gets on the demo model:
 * for the first N eval edits, the answer's NLL before (δ = 0) and after the optimization with z at
 * block L, and ‖δ‖ / ‖z₀‖ — the number docs/baselines.md cites for why MEMIT and AlphaEdit do not
 * land edits on the demo.
 *   npx tsx scripts/demo/target-reach.ts [N=20] [LAYERS=1,2,3] [EDITOR=memit] [CLAMP]
 */
import { loadDataset } from '../../src/engine/data/dataset';
import { nodeFile, nodeFolder } from '../../src/engine/io/node-files';
import { loadModel } from '../../src/engine/model/load';
import { createCpuRuntime } from '../../src/engine/runtime/cpu-runtime';
import { computeTarget } from '../../src/engine/editors/locate/compute-z';
import { contextTemplates, subjectTemplate } from '../../src/engine/editors/locate/prompts';
import { LOCATE_DEFAULTS, type LocateEditorName } from '../../src/engine/editors/locate/settings';

const [n = '20', layers = '1,2,3', editor = 'memit', clamp] = process.argv.slice(2);
const settings = { ...LOCATE_DEFAULTS[editor as LocateEditorName], ...(clamp ? { clampNorm: Number(clamp) } : {}) };
const model = await loadModel(nodeFolder('public/demo/model'));
const runtime = await createCpuRuntime(model, { backend: 'native' });
const { records } = await loadDataset(nodeFile('public/demo/data/edits.eval.json'), { limit: Number(n) });
const templates = await contextTemplates(runtime, model.tokenizer, settings.templateSeed);
console.log(`${editor}, clamp ${settings.clampNorm}, ${records.length} edits`);
console.log('| z at block | answer NLL at δ = 0 | loss after (NLL + KL + decay) | exp(−loss after) | ‖δ‖/‖z₀‖ |');
console.log('|---|---|---|---|---|');
for (const layer of layers.split(',').map(Number)) {
  let before = 0;
  let after = 0;
  let prob = 0;
  let ratio = 0;
  for (const r of records) {
    const req = { ...subjectTemplate(r), index: r.index, answer: r.answer };
    const first = await computeTarget(runtime, model.tokenizer, req, templates, layer, { ...settings, steps: 1 });
    const z = await computeTarget(runtime, model.tokenizer, req, templates, layer, settings);
    // With one pass the loss is the NLL at δ = 0; after the run, the last pass's loss (NLL + KL + decay) bounds it.
    before += first.loss;
    after += z.loss;
    prob += Math.exp(-z.loss);
    ratio += z.deltaNorm / z.initNorm;
  }
  const k = records.length;
  console.log(
    `| ${layer} | ${(before / k).toFixed(2)} | ${(after / k).toFixed(2)} | ${(prob / k).toExponential(1)} | ${(ratio / k).toFixed(2)} |`,
  );
}
await runtime.dispose();
