/**
 * The lab's turn against a peer's (benchmarks/peer/turn.py: the reference PyTorch code's turn at the same
 * shapes): the JSON that script writes, checked, and the lab ÷ peer ratio per editor and stage.
 */
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

/** One row per result the peer has a matching editor, model and depth for: seconds and lab ÷ peer. */
export function peerTable(results: readonly BenchResult[], peer: PeerReport): string {
  const lines = [
    `| config | editor | ${STAGES.map((s) => `lab ${s} s | ${peer.peer} ${s} s | ratio`).join(' | ')} |`,
    `|${Array(2 + 3 * STAGES.length)
      .fill('---')
      .join('|')}|`,
  ];
  for (const r of results) {
    const p = peer.editors[r.editor];
    if (!p || r.model !== peer.model || r.layers !== peer.layers || r.nEdits !== peer.nEdits) continue;
    const lab = labStages(r);
    lines.push(
      `| ${r.label} | ${r.editor} | ${STAGES.map((s) => `${lab[s].toFixed(2)} | ${p[s].toFixed(2)} | ${(lab[s] / p[s]).toFixed(2)}`).join(' | ')} |`,
    );
  }
  return lines.length > 2 ? lines.join('\n') : `(no row matches the peer's ${peer.model}, ${peer.layers} layers, ${peer.nEdits} edits)`;
}
