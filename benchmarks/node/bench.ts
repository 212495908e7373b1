/**
 * `npm run bench [-- --full | --profile NAME] [--only MODEL] [--editors a,b] [--turns N] [--layers L]
 * [--backend native|wasm] [--threads N] [--spin] [--no-share-capture] [--peer FILE] [--out DIR]`: the
 * benchmark on a Node CPU backend (default native: onnxruntime-node, every core; wasm: onnxruntime-web,
 * one thread). `--threads N`: the float64 editor math's threads (default every core, at most 8). The other backend's MatMul is probed too, for the machine's peak. `--spin` lets native
 * pool threads spin between ops (ORT's default; off in the lab). `--peer` adds lab ÷ peer ratios
 * from a benchmarks/peer/turn.py JSON. Prints the table and writes DIR/node-<profile>.json and .md
 * (default benchmarks/results).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { nodeFile, nodeFolder } from '../../src/engine/io/node-files';
import { CPU_BACKENDS, nativeUnavailable, parseCpuBackend } from '../../src/engine/graph/ort-backends';
import { CpuExecutor } from '../../src/engine/runtime/cpu-runtime';
import type { GraphExecutor } from '../../src/engine/runtime/executor';
import { runProfile } from '../src/run-profile';
import { PROFILES, type BenchProfile } from '../src/shapes';
import { markdownTable } from '../src/table';
import { parsePeer, peerTable } from '../src/peer';
import { flagValue } from './flag';
import { machineNote } from './machine';
import { useNodePool } from '../../src/engine/linalg/parallel/node-pool';

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

async function main() {
  const argv = process.argv.slice(2);
  const p = profileFromArgs(argv);
  const out = flagValue(argv, 'out') ?? 'benchmarks/results';
  const peerPath = flagValue(argv, 'peer');
  // read before the long run, so a bad file fails at once
  const peer = peerPath ? parsePeer(await readFile(peerPath, 'utf8'), peerPath) : null;
  const threadsFlag = flagValue(argv, 'threads');
  const f64 = await useNodePool(threadsFlag === undefined ? undefined : Number(threadsFlag));
  const backend = (await CpuExecutor.create({ backend: parseCpuBackend(flagValue(argv, 'backend')) })).backend;
  const spin = argv.includes('--spin');
  const others = async () => {
    const list: GraphExecutor[] = [];
    for (const b of CPU_BACKENDS)
      if (b !== backend && (b !== 'native' || (await nativeUnavailable()) === null)) list.push(await CpuExecutor.create({ backend: b }));
    return list;
  };
  let peakRss = 0;
  const report = await runProfile(p, {
    newExecutor: () => CpuExecutor.create({ backend, spin }),
    backendLabel: backend === 'wasm' ? 'wasm ×1' : 'native',
    otherExecutors: others,
    demoModel: nodeFolder('public/demo/model'),
    demoEdits: nodeFile('public/demo/data/edits.eval.json'),
    memory: () => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      return { jsHeapMB: m.heapUsed / 2 ** 20, rssMB: m.rss / 2 ** 20, gpuBuffersMB: null };
    },
    log: (l) => console.error(l),
  });
  const machine = machineNote();
  const peaks = report.peaks.map((q) => `${q.backend} ${q.gflops.toFixed(1)}`).join(', ');
  const md = `${machine}\n\nProfile \`${p.name}\`, backend ${report.backendLabel}, float64 editor math on ${f64.threads} thread(s); matmul peaks ${peaks} GFLOP/s (roofline against the best); per-turn means over ${p.turns} timed turn(s) of ${p.nEdits} edits, sub-batch ${p.subBatch}; times in ms.\n\n${markdownTable(report.results)}\n`;
  const vsPeer = peer
    ? `\nAgainst ${peer.peer}${peer.torch ? ` ${peer.torch}` : ''} (${peerPath}${peer.note ? `: ${peer.note}` : ''}), seconds per turn and lab ÷ peer:\n\n${peerTable(report.results, peer)}\n`
    : '';
  console.log(md + vsPeer);
  await mkdir(out, { recursive: true });
  await writeFile(
    join(out, `node-${p.name}.json`),
    JSON.stringify({ machine, cores: cpus().length, f64Threads: f64.threads, ...report }, null, 2),
  );
  await writeFile(join(out, `node-${p.name}.md`), md + vsPeer);
}

if (process.argv[1]?.endsWith('bench.ts'))
  void main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
