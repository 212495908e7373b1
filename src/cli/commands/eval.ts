/**
 * `eval` (docs/design.md §5): the metrics of a model as it stands on the first N records of a dataset,
 * printed as one JSON object. The protocol label says what was measured: 'pre-edit' for a checkpoint
 * without edits, 'current' for one `run` wrote (its metadata records the edits applied).
 */
import { int, parseFlags, requireFlags, str, UsageError, type FlagTable } from '../args';
import { checkpointEdits, DATA_FLAGS, loadModelFlag, loadRecordsFlag, BACKEND_FLAGS, runtimeFlag } from '../load';
import { gpuFlag } from '../gpu';
import { checkInputDir, checkInputFile } from '../paths';
import { evaluate, METRIC_KINDS, type MetricKind } from '../../engine/eval/evaluate';
import { fluency } from '../../engine/eval/fluency';

export const summary = 'print efficacy / generalization / specificity … of a model as JSON';
export const usage = `usage: stableedit-lab eval --model DIR --data FILE [--n N] [--batch B] [--metrics a,b] [--no-wild] [--wild-extra K] [--fluency-size N] [--on-invalid skip|stop] [--backend native|wasm|webgpu [--allow-software-adapter]] [--frozen16]

Teacher-forced top-1 token accuracy per record (partial credit, UltraEdit's score) and exact match,
each averaged over records; metrics: ${METRIC_KINDS.join(', ')} (those the data has).
Unless --no-wild, also EasyEdit's WILD protocol: the answer generated greedily (stops at eos, "." or a
newline; at most the target's token count + K new tokens, --wild-extra, default 0) and judged by exact
match after normalization (wildExactMatch) and token-level F1 (wildF1). --fluency-size N adds ROME's
fluency (n-gram entropy of top-5 sampled continuations of the first N prompts, seed 0).`;

export const SCORING = {
  tokenAccuracy: 'teacher-forced top-1 token accuracy over the answer tokens of a record, mean over records (UltraEdit)',
  exactMatch: 'every answer token predicted, mean over records',
  wildExactMatch: 'WILD: the greedily generated answer equals the target after normalization (EasyEdit), mean over records',
  wildF1: 'WILD: token-level F1 of the generated answer against the target (SQuAD), mean over records',
  fluency: "ROME's weighted bi/tri-gram entropy (bits) of sampled continuations of the prompts",
};

export const FLAGS = {
  model: { kind: 'string' },
  ...DATA_FLAGS,
  ...BACKEND_FLAGS,
  n: { kind: 'int' },
  batch: { kind: 'int' },
  metrics: { kind: 'string' },
  'no-wild': { kind: 'bool' },
  'wild-extra': { kind: 'int' },
  'fluency-size': { kind: 'int' },
} satisfies FlagTable;

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, FLAGS);
  requireFlags(flags, ['model', 'data']);
  const n = flags.n === undefined ? undefined : int(flags, 'n');
  if (n !== undefined && n < 1) throw new UsageError(`--n must be ≥ 1, got ${n}`);
  const batch = int(flags, 'batch', 16);
  if (batch < 1) throw new UsageError('--batch must be positive');
  const extra = int(flags, 'wild-extra', 0);
  if (extra < 0) throw new UsageError(`--wild-extra must be ≥ 0, got ${extra}`);
  const fluencySize = int(flags, 'fluency-size', 0);
  if (fluencySize < 0) throw new UsageError(`--fluency-size must be ≥ 0, got ${fluencySize}`);
  const kinds = flags.metrics === undefined ? METRIC_KINDS : (str(flags, 'metrics').split(',') as MetricKind[]);
  const unknown = kinds.find((k) => !METRIC_KINDS.includes(k));
  if (unknown) throw new UsageError(`--metrics: unknown metric '${unknown}' (known: ${METRIC_KINDS.join(', ')})`);
  await checkInputDir('model', str(flags, 'model'), 'a model folder (config.json, *.safetensors, tokenizer.json)');
  await checkInputFile('data', str(flags, 'data'));
  const gpu = await gpuFlag(flags);
  const model = await loadModelFlag(flags);
  const records = await loadRecordsFlag(flags, n, 'data', model);
  const edits = await checkpointEdits(str(flags, 'model'));

  const t0 = performance.now();
  const runtime = await runtimeFlag(flags, model, gpu);
  try {
    const ev = await evaluate(runtime, model.tokenizer, records, { kinds, batch, wild: flags['no-wild'] === true ? false : { extra } });
    const fluent =
      fluencySize > 0
        ? await fluency(
            runtime,
            model.tokenizer,
            records.slice(0, fluencySize).map((r) => r.prompt),
            0,
          )
        : undefined;
    const result = {
      protocol: edits > 0 ? 'current' : 'pre-edit',
      edits,
      model: model.name,
      data: str(flags, 'data'),
      records: records.length,
      scoring: SCORING,
      metrics: ev.metrics,
      ...(fluent ? { fluency: fluent } : {}),
      seconds: (performance.now() - t0) / 1000,
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    await runtime.dispose();
  }
  return 0;
}
