/**
 * `npm run bench [-- --full | --profile NAME] [--only MODEL] [--editors a,b] [--turns N] [--layers L]
 * [--backend native|wasm|webgpu [--allow-software-adapter] [--editor-math auto|gpu|cpu]] [--threads N] [--gemm native|js] [--spin] [--no-share-capture]
 * [--peer [FILE]] [--reps R] [--peer-python PY] [--out DIR]`: the benchmark on a Node CPU backend
 * (default native: onnxruntime-node, every core; wasm: onnxruntime-web, one thread). `--threads N`:
 * the float64 editor math's threads (default every core, at most 8); `--gemm js` keeps its large
 * products in the JS loops instead of onnxruntime-node's float64 Gemm (linalg/native-gemm.ts). The
 * other backend's MatMul is probed too, for the machine's peak. `--backend webgpu`: the lab's GPU path
 * on a Dawn device (webgpu-host.ts), the adapter named in the table; a software one only when asked for. `--spin` lets native pool threads
 * spin between ops (ORT's default; off in the lab). `--peer FILE` adds lab ÷ peer ratios from a
 * benchmarks/peer/turn.py JSON; `--peer` alone runs that script here at the same shapes (peer-run.ts),
 * lab and peer alternating `--reps` times (default 2) in this one command, and prints the medians.
 * Prints the table and writes DIR/node-<profile>.json and .md (default benchmarks/results).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { nodeFile, nodeFolder } from '../../src/engine/io/node-files';
import { CPU_BACKENDS, nativeUnavailable, parseCpuBackend } from '../../src/engine/graph/ort-backends';
import { CpuExecutor } from '../../src/engine/runtime/cpu-runtime';
import type { GraphExecutor } from '../../src/engine/runtime/executor';
import { runProfile } from '../src/run-profile';
import { PROFILES, type BenchProfile } from '../src/shapes';
import { markdownTable } from '../src/table';
import { parsePeer, peerLengths, peerTable, repsTable, type PeerReport } from '../src/peer';
import type { BenchResult } from '../src/result';
import { loadDataset } from '../../src/engine/data/dataset';
import { loadModel } from '../../src/engine/model/load';
import type { EditRecord } from '../../src/engine/types';
import { useNativeGemm } from '../../src/engine/linalg/native-gemm';
import { defaultPeerPython, runPeer } from './peer-run';
import { flagValue } from './flag';
import { machineNote } from './machine';
import { useNodePool } from '../../src/engine/linalg/parallel/node-pool';
import { webGpuHost } from './webgpu-host';

export function profileFromArgs(argv: string[]): BenchProfile {
  const name = argv.includes('--full') ? 'full' : (flagValue(argv, 'profile') ?? 'quick');
  const base = PROFILES[name];
  if (!base) throw new Error(`bench: unknown profile "${name}" (profiles: ${Object.keys(PROFILES).join(', ')})`);
  const p: BenchProfile = { ...base, cases: [...base.cases] };
  const only = flagValue(argv, 'only');
  if (only) p.cases = p.cases.filter((c) => only.split(',').includes(c.model));
  const editors = flagValue(argv, 'editors');
  if (editors) p.cases = p.cases.filter((c) => editors.split(',').includes(c.editor));
  const turns = flagValue(argv, 'turns');
  if (turns) p.turns = Number(turns);
  const layers = flagValue(argv, 'layers');
  if (layers) p.cases = p.cases.map((c) => (c.model === 'demo' ? c : { ...c, layers: Number(layers) }));
  if (argv.includes('--no-share-capture')) p.shareCapture = false;
  if (p.cases.length === 0) throw new Error('bench: --only/--editors left no configuration');
  return p;
}

/** `--peer FILE` reads a peer JSON; `--peer` with no file after it runs the peer here. */
export function peerMode(argv: readonly string[]): { file: string } | 'run' | null {
  const i = argv.indexOf('--peer');
  if (i < 0) return null;
  const next = argv[i + 1];
  return next === undefined || next.startsWith('--') ? 'run' : { file: next };
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function main() {
  const argv = process.argv.slice(2);
  const p = profileFromArgs(argv);
  const out = flagValue(argv, 'out') ?? 'benchmarks/results';
  const mode = peerMode(argv);
  // read before the long run, so a bad file fails at once
  const peerFile = mode && mode !== 'run' ? parsePeer(await readFile(mode.file, 'utf8'), mode.file) : null;
  const reps = Number(flagValue(argv, 'reps') ?? (mode === 'run' ? 2 : 1));
  if (!(Number.isInteger(reps) && reps >= 1)) throw new Error(`bench: --reps must be a whole number ≥ 1 (got ${flagValue(argv, 'reps')})`);
  const threadsFlag = flagValue(argv, 'threads');
  const f64 = await useNodePool(threadsFlag === undefined ? undefined : Number(threadsFlag));
  const gemmChoice = flagValue(argv, 'gemm') ?? 'native';
  if (gemmChoice !== 'native' && gemmChoice !== 'js') throw new Error(`bench: --gemm must be native or js (got ${gemmChoice})`);
  const gemm = gemmChoice === 'native' ? useNativeGemm(f64.threads) : { gemm: null, note: '--gemm js' };
  const gemmNote = gemm.gemm ? `large products on ${gemm.gemm.label}` : `large products in JS (${gemm.note})`;
  console.error(`float64 editor math: ${f64.threads} thread(s), ${gemmNote}`);
  const webgpu = await webGpuHost(argv);
  const backend = webgpu ? 'webgpu' : (await CpuExecutor.create({ backend: parseCpuBackend(flagValue(argv, 'backend')) })).backend;
  const spin = argv.includes('--spin');
  const others = async () => {
    const list: GraphExecutor[] = [];
    for (const b of CPU_BACKENDS)
      if (b !== backend && (b !== 'native' || (await nativeUnavailable()) === null)) list.push(await CpuExecutor.create({ backend: b }));
    return list;
  };
  let peakRss = 0;
  const host = {
    newExecutor: () => CpuExecutor.create({ backend: backend as 'native' | 'wasm', spin }),
    backendLabel: backend === 'wasm' ? 'wasm ×1' : 'native',
    ...webgpu,
    otherExecutors: others,
    demoModel: nodeFolder('public/demo/model'),
    demoEdits: nodeFile('public/demo/data/edits.eval.json'),
    memory: () => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      return { jsHeapMB: m.heapUsed / 2 ** 20, rssMB: m.rss / 2 ** 20, gpuBuffersMB: null };
    },
    log: (l: string) => console.error(l),
  };
  // the peer's runs: one per model and depth of the profile, at the lab's record lengths (turn 1's records)
  const peerRuns =
    mode === 'run'
      ? await (async () => {
          const { tokenizer } = await loadModel(host.demoModel);
          const { records } = await loadDataset(host.demoEdits, { limit: p.nEdits * 2 });
          const lengths = peerLengths(tokenizer, (records as EditRecord[]).slice(p.nEdits, 2 * p.nEdits));
          const groups = new Map<string, { model: string; layers: number; editors: string[] }>();
          for (const c of p.cases) {
            if (c.model === 'demo') continue;
            const layers = c.layers ?? 0;
            const g = groups.get(`${c.model}@${layers}`) ?? { model: c.model, layers, editors: [] };
            g.editors.push(c.editor);
            groups.set(`${c.model}@${layers}`, g);
          }
          return [...groups.values()].map(
            (g) => () =>
              runPeer({
                python: flagValue(argv, 'peer-python') ?? defaultPeerPython(),
                ...g,
                edited: p.editedLayers,
                nEdits: p.nEdits,
                subBatch: p.subBatch,
                turns: p.turns,
                threads: Number(flagValue(argv, 'peer-threads') ?? cpus().length),
                lengths,
                log: host.log,
              }),
          );
        })()
      : [];
  const labReps: BenchResult[][] = [];
  const peerReps: PeerReport[][] = [];
  const loads: string[] = [];
  let report: Awaited<ReturnType<typeof runProfile>> | null = null;
  for (let r = 0; r < reps; r++) {
    loads.push(`rep ${r + 1}: lab from load ${load()}`);
    host.log(loads[loads.length - 1]);
    report = await runProfile(p, host);
    labReps.push(report.results);
    if (peerRuns.length) {
      loads[loads.length - 1] += `, peer from ${load()}`;
      host.log(`rep ${r + 1}: peer from load ${load()}`);
      const got: PeerReport[] = [];
      for (const run of peerRuns) got.push(await run());
      peerReps.push(got);
    }
    loads[loads.length - 1] += `, end ${load()}`;
  }
  const machine = machineNote();
  const last = report!;
  const peaks = last.peaks.map((q) => `${q.backend} ${q.gflops.toFixed(1)}`).join(', ');
  const md = `${machine}\n\nProfile \`${p.name}\`, backend ${last.backendLabel}, float64 editor math on ${f64.threads} thread(s), ${gemmNote}; matmul peaks ${peaks} GFLOP/s (roofline against the best); per-turn means over ${p.turns} timed turn(s) of ${p.nEdits} edits, sub-batch ${p.subBatch}${reps > 1 ? `; last of ${reps} reps` : ''}; times in ms.\n\n${markdownTable(last.results)}\n`;
  const peer0 = peerReps[0]?.[0];
  const vsPeer = peerFile
    ? `\nAgainst ${peerFile.peer}${peerFile.torch ? ` ${peerFile.torch}` : ''} (${mode && mode !== 'run' ? mode.file : ''}${peerFile.note ? `: ${peerFile.note}` : ''}), seconds per turn and lab ÷ peer:\n\n${peerTable(last.results, peerFile)}\n`
    : peer0
      ? `\nSide by side with ${peer0.peer} ${peer0.torch ?? ''} (${peer0.threads} threads, BLAS ${JSON.stringify(peer0.blas ?? '?')}), run by this command at the same shapes: ${reps} rep(s), lab then peer each (load averages 1/5/15 min: ${loads.join('; ')}). Medians of each stage over the reps, seconds per turn, lab ÷ peer:\n\n${repsTable(labReps, peerReps)}\n`
      : '';
  console.log(md + vsPeer);
  await mkdir(out, { recursive: true });
  await writeFile(
    join(out, `node-${p.name}.json`),
    JSON.stringify(
      { machine, cores: cpus().length, f64Threads: f64.threads, gemm: gemmNote, loads, ...last, reps: labReps, peer: peerReps },
      null,
      2,
    ),
  );
  await writeFile(join(out, `node-${p.name}.md`), md + vsPeer);
}

if (process.argv[1]?.endsWith('bench.ts'))
  void main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
