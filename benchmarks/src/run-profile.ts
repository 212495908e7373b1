/**
 * A whole benchmark profile on one backend: the matmul throughput probes first, then every case in
 * turn (a model is built, measured and dropped before the next, so peak memory is per case). The
 * host (Node CLI or the page's worker) supplies the backend, the other backends this machine has
 * (probed too: the machine's peak is the best MatMul of any of them, so a slow backend cannot hide
 * behind a roofline taken against itself), the demo model and data, and a memory sampler.
 */
import { loadDataset } from '../../src/engine/data/dataset';
import type { FolderSource, EditRecord, FileSource } from '../../src/engine/types';
import { loadModel, type LoadedModel } from '../../src/engine/model/load';
import type { GraphExecutor } from '../../src/engine/runtime/executor';
import type { RuntimeBackend } from '../../src/engine/runtime/runtime';
import { matmulPeak, type MatmulProbe } from './matmul-peak';
import { parameterCount, randomModel } from './random-model';
import type { BenchResult, MachinePeak } from './result';
import { runCase, type CaseInputs, type MemorySample } from './run-case';
import { MODEL_SHAPES, type BenchProfile } from './shapes';

export interface BenchHost {
  newExecutor(): Promise<GraphExecutor>;
  /** How the table names the backend under test, e.g. "wasm ×4" (default: its backend). */
  backendLabel?: string;
  /** The machine's other backends, for its peak (each is disposed after its probe). */
  otherExecutors?(): Promise<GraphExecutor[]>;
  demoModel: FolderSource;
  demoEdits: FileSource;
  memory(): MemorySample;
  log(line: string): void;
  /** The runtime and the editor of each case, where the host's differ from the CPU defaults (runCase's; `--backend webgpu`). */
  openRuntime?: CaseInputs['openRuntime'];
  newEditor?: CaseInputs['newEditor'];
}

export interface ProfileReport {
  profile: string;
  backend: RuntimeBackend;
  backendLabel: string;
  matmul: MatmulProbe[];
  peakGflops: number;
  /** Best MatMul over every backend probed, and which one it was. */
  machinePeak: MachinePeak;
  /** Each backend probed (this one first) and its best MatMul. */
  peaks: { backend: string; gflops: number; probes: MatmulProbe[] }[];
  results: BenchResult[];
}

export async function runProfile(p: BenchProfile, host: BenchHost, onResult?: (r: BenchResult) => void): Promise<ProfileReport> {
  const skinny: [number, number, number] = [p.subBatch * 16, 768, 3072];
  const probeExec = await host.newExecutor();
  const backend = probeExec.backend;
  const backendLabel = host.backendLabel ?? backend;
  const peak = await matmulPeak(probeExec, p.matmulSizes, skinny);
  await probeExec.dispose();
  const peaks = [{ backend: backendLabel, gflops: peak.bestGflops, probes: peak.probes }];
  for (const other of (await host.otherExecutors?.()) ?? []) {
    const q = await matmulPeak(other, p.matmulSizes, skinny);
    await other.dispose();
    peaks.push({ backend: other.backend, gflops: q.bestGflops, probes: q.probes });
  }
  for (const q of peaks)
    host.log(
      `${q.backend}: matmul peak ${q.gflops.toFixed(1)} GFLOP/s (${q.probes.map((x) => `${x.m}x${x.k}x${x.n}: ${x.gflops.toFixed(1)}`).join(', ')})`,
    );
  const best = peaks.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  const machinePeak: MachinePeak = { gflops: best.gflops, backend: best.backend };

  const demo: LoadedModel = await loadModel(host.demoModel);
  const { records } = await loadDataset(host.demoEdits, { limit: p.nEdits * (p.turns + 1) });
  const results: BenchResult[] = [];
  let built = null as { key: string; loaded: Pick<LoadedModel, 'spec' | 'weights' | 'modules'> } | null;
  for (const c of p.cases) {
    const key = `${c.model}@${c.layers ?? 'all'}`;
    if (built?.key !== key) {
      built = null; // drop the previous model before building the next
      if (c.model === 'demo') built = { key, loaded: demo };
      else {
        const shape = MODEL_SHAPES[c.model];
        if (!shape) throw new Error(`bench: unknown model shape "${c.model}" (known: demo, ${Object.keys(MODEL_SHAPES).join(', ')})`);
        const t0 = performance.now();
        built = { key, loaded: randomModel(shape, c.layers ?? shape.layers) };
        host.log(
          `${key}: ${(parameterCount(built.loaded.weights) / 1e6).toFixed(1)} M random parameters in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        );
      }
    }
    const shape = MODEL_SHAPES[c.model];
    const label =
      c.model === 'demo' ? 'demo' : `${c.model}${c.layers && c.layers < shape.layers ? ` (${c.layers}/${shape.layers} layers)` : ''}`;
    const r = await runCase({
      label,
      model: c.model,
      editor: c.editor,
      loaded: built.loaded,
      tokenizer: demo.tokenizer,
      records: records as EditRecord[],
      executor: await host.newExecutor(),
      backendLabel,
      profile: p,
      peakGflops: peak.bestGflops,
      machinePeak,
      memory: host.memory,
      log: host.log,
      openRuntime: host.openRuntime,
      newEditor: host.newEditor,
    });
    results.push(r);
    onResult?.(r);
  }
  return { profile: p.name, backend, backendLabel, matmul: peak.probes, peakGflops: peak.bestGflops, machinePeak, peaks, results };
}
