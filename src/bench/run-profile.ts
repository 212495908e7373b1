/**
 * A whole benchmark profile on one backend: the matmul throughput probe first, then every case in
 * turn (a model is built, measured and dropped before the next, so peak memory is per case). The
 * host (Node CLI or the page's worker) supplies the backend, the demo model and data, and a
 * memory sampler.
 */
import { loadDataset } from '../engine/data/dataset';
import type { FolderSource, EditRecord, FileSource } from '../engine/types';
import { loadModel, type LoadedModel } from '../engine/model/load';
import type { GraphExecutor } from '../engine/runtime/executor';
import { matmulPeak, type MatmulProbe } from './matmul-peak';
import { parameterCount, randomModel } from './random-model';
import type { BenchResult } from './result';
import { runCase, type MemorySample } from './run-case';
import { MODEL_SHAPES, type BenchProfile } from './shapes';

export interface BenchHost {
  newExecutor(): GraphExecutor;
  demoModel: FolderSource;
  demoEdits: FileSource;
  memory(): MemorySample;
  log(line: string): void;
}

export interface ProfileReport {
  profile: string;
  backend: 'wasm' | 'webgpu';
  matmul: MatmulProbe[];
  peakGflops: number;
  results: BenchResult[];
}

export async function runProfile(p: BenchProfile, host: BenchHost, onResult?: (r: BenchResult) => void): Promise<ProfileReport> {
  const probeExec = host.newExecutor();
  const peak = await matmulPeak(probeExec, p.matmulSizes, [p.subBatch * 16, 768, 3072]);
  await probeExec.dispose();
  host.log(
    `matmul peak ${peak.bestGflops.toFixed(1)} GFLOP/s (${peak.probes.map((q) => `${q.m}x${q.k}x${q.n}: ${q.gflops.toFixed(1)}`).join(', ')})`,
  );

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
      executor: host.newExecutor(),
      profile: p,
      peakGflops: peak.bestGflops,
      memory: host.memory,
      log: host.log,
    });
    results.push(r);
    onResult?.(r);
  }
  return { profile: p.name, backend: results[0]?.backend ?? 'wasm', matmul: peak.probes, peakGflops: peak.bestGflops, results };
}
