/**
 * Runs the PyTorch peer (benchmarks/peer/turn.py) at a profile's shapes and reads its JSON back, so
 * `npm run bench -- --peer` takes lab and peer in one command. Dependencies (Debian):
 * `apt-get install python3-torch libopenblas0-pthread` — without the second, torch falls back to the
 * reference BLAS and runs ~15× slower. The child's environment drops OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS builds; they slow a current one) and sets
 * OMP_WAIT_POLICY=PASSIVE unless given: the lab's own pools do not spin either (ort-session.ts), and
 * on a shared machine spinning OpenMP threads made torch's turn 2–6× slower here.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePeer, type PeerReport } from '../src/peer';

export const PEER_SCRIPT = 'benchmarks/peer/turn.py';

/** The Python with torch: Debian's system one where it exists (a pyenv python3 first on PATH has none). */
export function defaultPeerPython(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

export interface PeerRun {
  python: string;
  model: string;
  layers: number;
  edited: number;
  nEdits: number;
  subBatch: number;
  turns: number;
  editors: string[];
  threads: number;
  device?: string;
  lengths: { efficacy: number[]; generalization: number[] };
  log(line: string): void;
}

export function peerEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = { ...base };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  env.OMP_WAIT_POLICY ??= 'PASSIVE';
  return env;
}

export async function runPeer(r: PeerRun): Promise<PeerReport> {
  const dir = await mkdtemp(join(tmpdir(), 'stableedit-peer-'));
  const lengths = join(dir, 'lengths.json');
  const out = join(dir, 'peer.json');
  await writeFile(lengths, JSON.stringify(r.lengths));
  const args = [
    PEER_SCRIPT,
    ...['--model', r.model, '--layers', String(r.layers), '--edited', String(r.edited)],
    ...['--n-edits', String(r.nEdits), '--sub-batch', String(r.subBatch), '--turns', String(r.turns)],
    ...['--editors', r.editors.join(','), '--threads', String(r.threads), '--device', r.device ?? 'cpu'],
    ...['--lengths', lengths, '--out', out],
  ];
  r.log(`peer: ${r.python} ${args.join(' ')}`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(r.python, args, { env: peerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (b: Buffer) => {
      tail = (tail + b.toString()).slice(-4000);
      for (const l of b.toString().split('\n')) if (/turn \d+:/.test(l)) r.log(`peer: ${l.trim()}`);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) =>
      reject(new Error(`--peer: could not start ${r.python} (${e.message}); install: apt-get install python3-torch libopenblas0-pthread`)),
    );
    child.on('close', (c) => {
      if (c !== 0) r.log(tail);
      resolve(c);
    });
  });
  if (code !== 0)
    throw new Error(
      `--peer: ${r.python} ${PEER_SCRIPT} exited with ${code} (its output is above); it needs torch ≥ 1.13: apt-get install python3-torch libopenblas0-pthread`,
    );
  return parsePeer(await readFile(out, 'utf8'), out);
}
