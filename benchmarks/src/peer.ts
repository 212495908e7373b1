/**
 * The lab's turn against a peer's (benchmarks/peer/turn.py: the reference PyTorch code's turn at the same
 * shapes): the JSON that script writes, checked, the lab ÷ peer ratio per editor and stage, and the
 * medians of lab and peer taken in interleaved reps.
 */
import { tokenizePair } from '../../src/engine/run/batching';
import type { EditRecord, TextTokenizer } from '../../src/engine/types';
import type { BenchResult } from './result';

export interface PeerStages {
  capture: number;
  editor: number;
  evaluate: number;
  turn: number;
}

export interface PeerReport {
  peer: string;
  /** How and when it was measured (e.g. "earlier session, not side by side"). */
  note?: string;
  torch?: string;
  threads?: number;
  machine?: string;
  /** turn.py: which BLAS torch runs on and the OpenBLAS overrides it saw. */
  blas?: unknown;
  model: string;
  layers: number;
  nEdits: number;
  /** Seconds per turn, by editor. */
  editors: Record<string, PeerStages>;
}

const STAGES = ['capture', 'editor', 'evaluate', 'turn'] as const;

/** Parses and checks a peer JSON, naming the file and the field that is wrong. */
export function parsePeer(text: string, where: string): PeerReport {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not JSON (${(e as Error).message})`);
  }
  const o = j as Partial<PeerReport>;
  for (const k of ['peer', 'model'] as const) if (typeof o[k] !== 'string') throw new Error(`${where}: field "${k}" must be a string`);
  for (const k of ['layers', 'nEdits'] as const) if (typeof o[k] !== 'number') throw new Error(`${where}: field "${k}" must be a number`);
  if (!o.editors || typeof o.editors !== 'object') throw new Error(`${where}: field "editors" must be an object of editor → stages`);
  for (const [e, s] of Object.entries(o.editors))
    for (const k of STAGES)
      if (!(typeof (s as Partial<PeerStages>)?.[k] === 'number' && (s as PeerStages)[k] > 0))
        throw new Error(`${where}: editors.${e}.${k} must be a positive number of seconds`);
  return o as PeerReport;
}

/** The lab's stage seconds in the peer's four stages (tokenize goes with capture, apply with the editor). */
export function labStages(r: BenchResult): PeerStages {
  const ms = r.ms;
  return {
    capture: (ms.tokenize + ms.captureFwd + ms.captureBwd) / 1000,
    editor: (ms.stats + ms.whitening + ms.solve + ms.editorOther + ms.apply) / 1000,
    evaluate: ms.evaluate / 1000,
    turn: r.totalMs / 1000,
  };
}

const header = (peer: string, extra: string[]) => [
  `| config | editor | ${STAGES.map((s) => `lab ${s} s | ${peer} ${s} s | ratio`).join(' | ')}${extra.map((e) => ` | ${e}`).join('')} |`,
  `|${Array(2 + 3 * STAGES.length + extra.length)
    .fill('---')
    .join('|')}|`,
];

const stageCells = (lab: PeerStages, p: PeerStages) =>
  STAGES.map((s) => `${lab[s].toFixed(2)} | ${p[s].toFixed(2)} | ${(lab[s] / p[s]).toFixed(2)}`).join(' | ');

const matches = (r: BenchResult, peer: PeerReport) => r.model === peer.model && r.layers === peer.layers && r.nEdits === peer.nEdits;

/** One row per result the peer has a matching editor, model and depth for: seconds and lab ÷ peer. */
export function peerTable(results: readonly BenchResult[], peer: PeerReport): string {
  const lines = header(peer.peer, []);
  for (const r of results) {
    const p = peer.editors[r.editor];
    if (!p || !matches(r, peer)) continue;
    lines.push(`| ${r.label} | ${r.editor} | ${stageCells(labStages(r), p)} |`);
  }
  return lines.length > 2 ? lines.join('\n') : `(no row matches the peer's ${peer.model}, ${peer.layers} layers, ${peer.nEdits} edits)`;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Stage by stage medians (each stage on its own: the median turn need not be the sum of the median stages). */
export function medianStages(list: readonly PeerStages[]): PeerStages {
  return Object.fromEntries(STAGES.map((s) => [s, median(list.map((x) => x[s]))])) as unknown as PeerStages;
}

/**
 * Lab and peer taken in interleaved reps (lab, peer, lab, peer, … in one command): per
 * configuration and editor the median of each stage over the reps, lab ÷ peer of the medians, and
 * every rep's turn (lab / peer) so the spread is visible. `lab[r]` holds rep r's results, `peers[r]`
 * rep r's peer reports (one per model and depth).
 */
export function repsTable(lab: readonly (readonly BenchResult[])[], peers: readonly (readonly PeerReport[])[]): string {
  const name = peers[0]?.[0]?.peer ?? 'peer';
  const lines = header(name, ['turn s by rep, lab / peer']);
  for (const r of lab[0] ?? []) {
    const labReps: PeerStages[] = [];
    const peerReps: PeerStages[] = [];
    for (let i = 0; i < lab.length; i++) {
      const l = lab[i].find((x) => x.label === r.label && x.editor === r.editor);
      const p = peers[i]?.find((q) => matches(r, q))?.editors[r.editor];
      if (l && p) {
        labReps.push(labStages(l));
        peerReps.push(p);
      }
    }
    if (labReps.length === 0) continue;
    const byRep = labReps.map((l, i) => `${l.turn.toFixed(2)} / ${peerReps[i].turn.toFixed(2)}`).join(', ');
    lines.push(`| ${r.label} | ${r.editor} | ${stageCells(medianStages(labReps), medianStages(peerReps))} | ${byRep} |`);
  }
  return lines.length > 2 ? lines.join('\n') : '(no lab row has a matching peer run)';
}

/**
 * The input lengths of a turn's records as the lab tokenizes them (run/batching.ts: prompt ++
 * answer[:-1]), efficacy from the prompts and generalization from the rephrases (the prompt where a
 * record has none): what benchmarks/peer/turn.py --lengths takes, so both sides run the same shapes.
 */
export function peerLengths(tok: TextTokenizer, records: readonly EditRecord[]): { efficacy: number[]; generalization: number[] } {
  const len = (prompt: string, target: string, id: number) => tokenizePair(tok, { id, prompt, target }).inputIds.length;
  return {
    efficacy: records.map((r) => len(r.prompt, r.answer, r.index)),
    generalization: records.map((r) => len(r.rephrase ?? r.prompt, r.answer, r.index)),
  };
}
