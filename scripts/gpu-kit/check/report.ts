/**
 * The kit's report: every step's file under DIR/steps (check.mjs writes the JSON, turn.py the peer's,
 * run.sh DIR/steps.tsv with each step's exit status, time limit and seconds) merged into
 * DIR/report.json and a markdown DIR/report.md — step (a) as a pass/fail table with the errors, step
 * (b) as the benchmark's table (benchmarks/src/table.ts), step (c) as lab ÷ PyTorch per shape
 * (benchmarks/src/peer.ts). A step that timed out or failed is a row saying so, with its last line.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePeer, peerTable, type PeerReport } from '../../../benchmarks/src/peer';
import type { BenchResult } from '../../../benchmarks/src/result';
import { markdownTable } from '../../../benchmarks/src/table';
import type { AdapterNote } from './gpu';
import type { CheckRow } from './kernels';

export interface StepStatus {
  step: string;
  /** "ok", "exit N" or "timed out". */
  status: string;
  limitS: number;
  seconds: number;
  /** The step's last line of output, for a step that did not finish. */
  last: string;
}

interface KernelFile {
  group: string;
  adapter: AdapterNote;
  rows: CheckRow[];
}
interface TurnFile {
  shape: string;
  adapter: AdapterNote;
  results: BenchResult[];
}

const readJson = <T>(file: string): (T & { error?: string }) | null => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);
const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const exp = (x: number) => (Number.isFinite(x) ? x.toExponential(1) : String(x));

export function readSteps(dir: string): StepStatus[] {
  const f = join(dir, 'steps.tsv');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [step, status, limitS, seconds, ...last] = l.split('\t');
      return { step, status, limitS: Number(limitS), seconds: Number(seconds), last: last.join(' ') };
    });
}

export function writeReport(dir: string): void {
  const steps = readSteps(dir);
  const stepsDir = join(dir, 'steps');
  const files = existsSync(stepsDir) ? readdirSync(stepsDir).sort() : [];
  const kernels = files.filter((f) => /^kernels-.*\.json$/.test(f)).map((f) => readJson<KernelFile>(join(stepsDir, f))!);
  const turns = files.filter((f) => /^turn-.*\.json$/.test(f)).map((f) => readJson<TurnFile>(join(stepsDir, f))!);
  const peers = files
    .filter((f) => /^peer-.*\.json$/.test(f))
    .flatMap((f) => {
      try {
        return [parsePeer(readFileSync(join(stepsDir, f), 'utf8'), f) as PeerReport & { device?: string }];
      } catch {
        return [];
      }
    });
  const env = existsSync(join(dir, 'kit-env.txt')) ? readFileSync(join(dir, 'kit-env.txt'), 'utf8').trim() : '';
  const adapter = [...kernels, ...turns].find((x) => x.adapter)?.adapter ?? readJson<AdapterNote>(join(dir, 'adapter.json'));
  const rows = kernels.flatMap((k) => (k.rows ?? []).map((r) => ({ group: k.group, ...r })));
  const results = turns.flatMap((t) => t.results ?? []);
  const notFinished = steps.filter((s) => s.status !== 'ok');

  const md: string[] = ['# GPU check kit report', ''];
  if (adapter)
    md.push(
      `Adapter: **${adapter.description}** (${[adapter.device, adapter.driver].filter(Boolean).join('; ') || 'no device name'}), ${adapter.software ? 'software' : 'hardware'}, ${adapter.shaderF16 ? 'shader-f16' : 'no shader-f16'}, ${adapter.timestampQuery ? 'timestamp queries' : 'no timestamp queries'}.`,
      '',
    );
  else md.push('Adapter: none (see the steps below).', '');
  if (env) md.push('```', env, '```', '');

  md.push(
    '## (a) WGSL kernels and the WebGPU runtime against float64',
    '',
    `${rows.filter((r) => r.pass).length} pass, ${rows.filter((r) => !r.pass).length} fail.`,
    '',
    '| group | check | errors | bound | result |',
    '|---|---|---|---|---|',
  );
  for (const r of rows)
    md.push(
      `| ${r.group} | ${esc(r.name)} | ${esc(
        Object.entries(r.errors)
          .map(([k, v]) => `${k} ${exp(v)}`)
          .join(', ') || '—',
      )} | ${esc(r.bound)} | ${r.pass ? 'pass' : `**FAIL**${r.detail ? `: ${esc(r.detail.slice(0, 200))}` : ''}`} |`,
    );
  for (const k of kernels) if (k.error) md.push(`| ${k.group} | (the group) | — | — | **FAIL**: ${esc(k.error.slice(0, 300))} |`);
  const unfinished = (prefix: string) =>
    notFinished.filter((s) => s.step.startsWith(prefix)).map((s) => `${s.step.slice(prefix.length)} (${s.status} after ${s.seconds} s)`);
  if (unfinished('kernels-').length) md.push('', `No result from: ${unfinished('kernels-').join(', ')}.`);

  md.push('', "## (b) One editing turn on the lab's GPU path, per stage", '');
  md.push(results.length ? markdownTable(results) : '(no turn finished)');
  for (const t of turns) if (t.error) md.push('', `${t.shape}: **failed**: ${t.error.slice(0, 300)}`);
  if (unfinished('turn-').length) md.push('', `No result from: ${unfinished('turn-').join(', ')}.`);

  md.push('', '## (c) The reference PyTorch turn at the same shapes, same GPU', '');
  if (peers.length === 0) md.push('(no PyTorch turn finished: see the steps below)');
  for (const p of peers) {
    md.push(`${p.model}, ${p.layers} layers: ${p.peer} ${p.torch ?? ''} on ${p.device ?? '?'}`, '', peerTable(results, p), '');
  }

  md.push('', '## Steps', '', '| step | status | limit s | seconds | last line |', '|---|---|---|---|---|');
  for (const s of steps)
    md.push(`| ${s.step} | ${s.status} | ${s.limitS} | ${s.seconds} | ${s.status === 'ok' ? '' : esc(s.last.slice(0, 200))} |`);
  md.push('');

  writeFileSync(join(dir, 'report.md'), md.join('\n'));
  writeFileSync(
    join(dir, 'report.json'),
    JSON.stringify(
      {
        adapter,
        env,
        checks: rows,
        kernelErrors: kernels.filter((k) => k.error),
        turns: results,
        turnErrors: turns.filter((t) => t.error),
        peers,
        steps,
        notFinished,
      },
      null,
      2,
    ),
  );
}
