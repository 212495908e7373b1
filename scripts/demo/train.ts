/**
 * Trains the demo model on the demo world's corpus and writes it in the Hub's layout.
 *   npx tsx scripts/demo/train.ts [--seed 6] [--epochs E] [--batch B] [--lr X] [--kinds template,persona,mhop]
 *                                 [--data public/demo/data] [--model-out public/demo/model] [--eval-every K]
 *                                 [--hidden H] [--layers L] [--heads N] [--kv-heads N] [--intermediate I] [--dtype F32|F16]
 * The shape flags default to DEMO_SHAPE (train/config.ts), --dtype to DEMO_DTYPE: the shipped model.
 * Reads the tokenizer from --model-out (generate.ts writes it), writes config.json and
 * model.safetensors there, then reloads them through the lab's loadModel and scores them with the
 * lab's evaluate(): known facts (src → ans), held-out paraphrases (rephrase → ans) and the pre-edit
 * efficacy / generalization / specificity of the eval edit stream. Progress goes to stderr, the
 * final numbers to stdout as JSON.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { int, num, parseFlags, str, UsageError, type FlagTable } from '../../src/cli/args';
import { nodeFolder } from '../../src/engine/io/node-files';
import { loadTokenizer } from '../../src/engine/model/tokenizer';
import { editableModules } from '../../src/engine/model/modules';
import { createCpuRuntime } from '../../src/engine/runtime/cpu-runtime';
import { encodeSafetensors } from '../../src/engine/safetensors/encode';
import { ADAM_DEFAULTS } from './train/adam';
import { DEMO_DTYPE, DEMO_SHAPE, demoConfig, demoSpec, type DemoShape } from './train/config';
import { CORPUS_KINDS, corpusPairs, type CorpusKind } from './train/data';
import { initWeights } from './train/init';
import { train } from './train/loop';
import { loadDemoRecords, scoreDemoModel, scoreKnown, specialIds } from './train/score';
import { DEFAULT_TRAIN, type DemoTrainOptions } from './train/defaults';

const FLAGS = {
  seed: { kind: 'int' },
  epochs: { kind: 'int' },
  batch: { kind: 'int' },
  lr: { kind: 'number' },
  warmup: { kind: 'int' },
  kinds: { kind: 'string' },
  data: { kind: 'string' },
  'model-out': { kind: 'string' },
  'eval-every': { kind: 'int' },
} satisfies FlagTable;

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, FLAGS);
  const o: DemoTrainOptions = {
    seed: int(flags, 'seed', DEFAULT_TRAIN.seed),
    epochs: int(flags, 'epochs', DEFAULT_TRAIN.epochs),
    batch: int(flags, 'batch', DEFAULT_TRAIN.batch),
    lr: num(flags, 'lr', DEFAULT_TRAIN.lr),
    warmupSteps: int(flags, 'warmup', DEFAULT_TRAIN.warmupSteps),
    kinds: flags.kinds === undefined ? DEFAULT_TRAIN.kinds : (str(flags, 'kinds').split(',') as CorpusKind[]),
  };
  const bad = o.kinds.find((k) => !CORPUS_KINDS.includes(k));
  if (bad) throw new UsageError(`--kinds: unknown kind '${bad}' (${CORPUS_KINDS.join(', ')})`);
  if (o.epochs < 1 || o.batch < 1 || !(o.lr > 0)) throw new UsageError('--epochs, --batch and --lr must be positive');
  const dataDir = str(flags, 'data', 'public/demo/data');
  const modelDir = str(flags, 'model-out', 'public/demo/model');
  const evalEvery = int(flags, 'eval-every', 5);
  const shape: DemoShape = {
    ...DEMO_SHAPE,
    hidden: int(flags, 'hidden', DEMO_SHAPE.hidden),
    layers: int(flags, 'layers', DEMO_SHAPE.layers),
    heads: int(flags, 'heads', DEMO_SHAPE.heads),
    kvHeads: int(flags, 'kv-heads', DEMO_SHAPE.kvHeads),
    intermediate: int(flags, 'intermediate', DEMO_SHAPE.intermediate),
  };
  const dtypeFlag = str(flags, 'dtype', DEMO_DTYPE);
  if (dtypeFlag !== 'F32' && dtypeFlag !== 'F16') throw new UsageError(`--dtype must be F32 or F16, got '${dtypeFlag}'`);
  const dtype: 'F32' | 'F16' = dtypeFlag;

  const folder = nodeFolder(modelDir);
  const tok = await loadTokenizer(folder);
  const ids = await specialIds(folder, tok);
  const config = demoConfig(shape, ids, dtype);
  const spec = demoSpec(shape, ids);
  const weights = initWeights(spec, o.seed);
  let params = 0;
  for (const t of weights.values()) params += t.data.length;
  const pairs = corpusPairs(
    JSON.parse(readFileSync(join(dataDir, 'train-corpus.json'), 'utf8')),
    o.kinds,
    join(dataDir, 'train-corpus.json'),
  );
  const records = await loadDemoRecords(dataDir);
  const monitorSample = records.known.filter((_, i) => i % 8 === 0);
  console.error(
    `demo model: llama ${JSON.stringify(shape)}, ${dtype}, ${params} parameters; ${pairs.length} training rows (${o.kinds.join(', ')}); ${JSON.stringify(o)}`,
  );

  const monitor = await createCpuRuntime({ spec, weights, modules: editableModules(spec) }, { backend: 'wasm' });
  const result = await train(spec, weights, tok, pairs, {
    seed: o.seed,
    epochs: o.epochs,
    batch: o.batch,
    warmupSteps: o.warmupSteps,
    adam: { ...ADAM_DEFAULTS, lr: o.lr },
    onEpoch: async (epoch, info, w) => {
      let line = `epoch ${epoch}/${o.epochs}  loss ${info.meanLoss.toFixed(4)}  lr ${info.lr.toExponential(2)}  ${info.seconds.toFixed(1)} s  ${info.tokensPerSecond.toFixed(0)} tok/s`;
      if (epoch % evalEvery === 0 || epoch === o.epochs) {
        for (const [n, t] of w) await monitor.setWeight(n, t.data);
        const s = await scoreKnown(monitor, tok, monitorSample);
        line += `  | known-facts sample (${monitorSample.length}): src ${s.known.toFixed(3)}  rephrase ${s.paraphrase.toFixed(3)}`;
      }
      console.error(line);
    },
  });
  await monitor.dispose();
  console.error(`trained ${result.steps} steps in ${result.seconds.toFixed(1)} s`);

  mkdirSync(modelDir, { recursive: true });
  writeFileSync(join(modelDir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const tensors = Object.fromEntries([...weights].map(([n, t]) => [n, { dtype, shape: t.shape, data: t.data }]));
  const metadata = { format: 'pt', trainer: 'scripts/demo/train.ts', options: JSON.stringify({ ...o, shape }) };
  writeFileSync(join(modelDir, 'model.safetensors'), encodeSafetensors(tensors, metadata));
  console.error(`wrote ${modelDir}/config.json and model.safetensors; scoring the written files through loadModel + evaluate …`);

  const scores = await scoreDemoModel(modelDir, records);
  console.log(
    JSON.stringify({ ...scores, trainSeconds: result.seconds, steps: result.steps, parameters: params, shape, dtype, options: o }, null, 2),
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(`train: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
