/**
 * `capture` (docs/design.md §5): the first turn of N records, grouped as a run groups them (§1), one
 * forward + backward per sub-batch on the unedited model, written as safetensors:
 *   sb{b}.input_ids / attention_mask / labels  int32 [B, T]  (T = the sub-batch's own longest record)
 *   sb{b}.loss [1];  sb{b}.{module}.keys [N_b, d_in];  sb{b}.{module}.grads [N_b, d_out]
 */
import { int, list, parseFlags, requireFlags, str, UsageError, type FlagTable } from '../args';
import { checkModules, DATA_FLAGS, loadModelFlag, loadRecordsFlag, BACKEND_FLAGS, runtimeFlag } from '../load';
import { gpuFlag } from '../gpu';
import { checkInputDir, checkInputFile, checkOutputFile } from '../paths';
import { withFileLock } from '../out-lock';
import { killAtWrites } from '../kill-points';
import { writeFileAtomic } from '../../engine/io/atomic-write';
import { Progress } from '../progress';
import { buildSubBatches, editPairs } from '../../engine/run/batching';
import { encodeSafetensors, type TensorToWrite } from '../../engine/safetensors/encode';

export const summary = 'capture keys, value gradients and loss of one turn to safetensors';
export const usage = `usage: stableedit-lab capture --model DIR --data FILE --modules a,b --n-edits N --sub-batch B
    --out F.safetensors [--on-invalid skip|stop] [--backend native|wasm|webgpu [--allow-software-adapter]] [--frozen16]

Tensors per sub-batch b: sb{b}.input_ids, sb{b}.attention_mask, sb{b}.labels (int32 [B, T]),
sb{b}.loss [1], sb{b}.{module}.keys [N_b, d_in], sb{b}.{module}.grads [N_b, d_out].`;

export const FLAGS = {
  model: { kind: 'string' },
  ...DATA_FLAGS,
  ...BACKEND_FLAGS,
  modules: { kind: 'list' },
  'n-edits': { kind: 'int' },
  'sub-batch': { kind: 'int' },
  out: { kind: 'string' },
} satisfies FlagTable;

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, FLAGS);
  requireFlags(flags, ['model', 'data', 'modules', 'n-edits', 'sub-batch', 'out']);
  const out = str(flags, 'out');
  const modules = list(flags, 'modules');
  const nEdits = int(flags, 'n-edits');
  const subBatch = int(flags, 'sub-batch');
  if (nEdits < 1 || subBatch < 1) throw new UsageError('--n-edits and --sub-batch must be positive');
  await checkInputDir('model', str(flags, 'model'), 'a model folder (config.json, *.safetensors, tokenizer.json)');
  await checkInputFile('data', str(flags, 'data'));
  await checkOutputFile('out', out);
  return withFileLock('out', out, () => capture(flags, out, modules, nEdits, subBatch));
}

async function capture(flags: ReturnType<typeof parseFlags>, out: string, modules: string[], nEdits: number, subBatch: number) {
  const gpu = await gpuFlag(flags);
  const model = await loadModelFlag(flags);
  checkModules(model, modules);
  const records = await loadRecordsFlag(flags, nEdits, 'data', model);

  // padMultiple 1: the contract records each sub-batch at its own longest record; the runtime pads internally.
  const sbs = buildSubBatches(model.tokenizer, editPairs(records), { subBatch });
  const runtime = await runtimeFlag(flags, model, gpu);
  const tensors: Record<string, TensorToWrite> = {};
  const losses: number[] = [];
  const progress = new Progress(sbs.length, 'capture');
  try {
    for (const [b, sb] of sbs.entries()) {
      const shape = [sb.batch, sb.seqLen];
      tensors[`sb${b}.input_ids`] = { dtype: 'I32', shape, data: sb.inputIds };
      tensors[`sb${b}.attention_mask`] = { dtype: 'I32', shape, data: sb.attentionMask };
      tensors[`sb${b}.labels`] = { dtype: 'I32', shape, data: sb.labels };
      const cap = await runtime.capture(sb, modules);
      tensors[`sb${b}.loss`] = { dtype: 'F32', shape: [1], data: [cap.loss] };
      for (const c of cap.modules) {
        tensors[`sb${b}.${c.module}.keys`] = { dtype: 'F32', shape: [c.rows, c.dIn], data: c.keys };
        tensors[`sb${b}.${c.module}.grads`] = { dtype: 'F32', shape: [c.rows, c.dOut], data: c.grads };
      }
      losses.push(cap.loss);
      progress.update(b + 1, `loss ${cap.loss.toFixed(3)}`);
    }
  } finally {
    await runtime.dispose();
  }
  const metadata = {
    model: model.name,
    modules: modules.join(','),
    n_edits: String(nEdits),
    sub_batch: String(subBatch),
    // which dataset records (0-based file positions) fill each sub-batch's rows, after the length sort
    records: JSON.stringify(sbs.map((sb) => sb.records)),
  };
  await writeFileAtomic(out, encodeSafetensors(tensors, metadata), killAtWrites);
  process.stdout.write(JSON.stringify({ out, subBatches: sbs.length, records: records.length, modules, losses }) + '\n');
  return 0;
}
