/**
 * General-capability sets from the files a user has (docs/design.md §2, §3): GLUE's own TSVs, the
 * Hugging Face datasets' JSON / JSON Lines exports, and the lab's multiple-choice layout (the demo's
 * set). The task is told by the columns, like an edit dataset's layout; where two tasks share
 * columns (HF's SST-2 and CoLA: sentence, label; MRPC and RTE: sentence1, sentence2, label) by the
 * file's name or a `task=` prefix the caller passes. Every label is mapped to the reference's
 * meaning (eval/general/glue-tasks.ts). A missing column, a label outside its task's values or an
 * ambiguous file is an InputError naming file, line and column.
 *
 * MMLU's own CSVs (no header: question, A, B, C, D, answer letter) are the one CSV layout.
 * GLUE's TSVs are read as GLUE's loaders read them (csv.QUOTE_NONE): one record a line, fields split
 * at tabs, quotes kept as text. CoLA's ship without a header (source, label, original mark, sentence).
 */
import { InputError, type FileSource } from '../types';
import { readCsv } from './csv-reader';
import { readJsonArray } from './json-array-reader';
import { readJsonLines } from './jsonl-reader';
import type { GeneralExample, GeneralTaskId } from '../eval/general/glue-tasks';
import type { GeneralSet } from '../eval/general/general-capability';

type Row = Record<string, unknown>;

interface TaskLayout {
  task: GeneralTaskId;
  /** Which source's columns (for messages). */
  source: string;
  columns: readonly string[];
  /** The example, or a problem naming the column; null: a record the task leaves out (MNLI's "-"). */
  read(row: Row): GeneralExample | { column: string; problem: string } | null;
}

const text = (row: Row, k: string) => (typeof row[k] === 'string' ? (row[k] as string) : String(row[k] ?? ''));

/** A label given as a number or a numeric string, among `allowed`. */
function intLabel(row: Row, column: string, allowed: readonly number[]): number | { column: string; problem: string } {
  const v = row[column];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (allowed.includes(n)) return n;
  const unlabelled = n === -1 ? ' (label −1: a test split, which has no labels)' : '';
  return { column, problem: `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}${unlabelled}` };
}

function binary(row: Row, column: string, build: (label: number) => GeneralExample) {
  const l = intLabel(row, column, [0, 1]);
  return typeof l === 'number' ? build(l) : l;
}

/** RTE: 1 = entailment (the word "True"); GLUE's TSV says it in words, Hugging Face's label 0 = entailment. */
function rteLabel(row: Row): number | { column: string; problem: string } {
  const v = row.label;
  if (v === 'entailment') return 1;
  if (v === 'not_entailment') return 0;
  const l = intLabel(row, 'label', [0, 1]);
  if (typeof l !== 'number' && Number(v) === -1) return l;
  return typeof l === 'number'
    ? 1 - l
    : { column: 'label', problem: `must be entailment, not_entailment, 0 or 1, got ${JSON.stringify(v)}` };
}

/** NLI (MultiNLI): 1 = entailment, 0 = neutral or contradiction; HF's label 0 = entailment, 1 neutral, 2 contradiction. */
function nliLabel(row: Row, column: string): number | null | { column: string; problem: string } {
  const v = row[column];
  if (v === 'entailment') return 1;
  if (v === 'neutral' || v === 'contradiction') return 0;
  if (v === '-') return null; // no consensus among the annotators: GLUE leaves these out
  const l = intLabel(row, column, [0, 1, 2]);
  if (typeof l !== 'number' && Number(v) === -1) return l;
  return typeof l === 'number'
    ? l === 0
      ? 1
      : 0
    : { column, problem: `must be entailment, neutral, contradiction or 0–2, got ${JSON.stringify(v)}` };
}

function choicesOf(row: Row, column: string, n?: number): string[] | { column: string; problem: string } {
  const c = row[column];
  if (!Array.isArray(c) || c.some((x) => typeof x !== 'string' || !x.trim()) || c.length < 2)
    return { column, problem: 'must be a list of at least two non-empty strings' };
  if (n !== undefined && c.length !== n) return { column, problem: `must hold ${n} choices, got ${c.length}` };
  return c as string[];
}

function answerIndex(row: Row, column: string, choices: readonly string[]): number | { column: string; problem: string } {
  const v = row[column];
  if (typeof v === 'string' && /^[A-Z]$/.test(v.trim()) && v.trim().charCodeAt(0) - 65 < choices.length) return v.trim().charCodeAt(0) - 65;
  if (typeof v === 'string' && choices.includes(v)) return choices.indexOf(v);
  return intLabel(
    row,
    column,
    choices.map((_, i) => i),
  );
}

function isProblem(x: unknown): x is { column: string; problem: string } {
  return typeof x === 'object' && x !== null && 'problem' in x;
}

/** MMLU's own data/{dev,val,test}/*.csv: no header, the question, four choices and the answer's letter. */
const MMLU_CSV_COLUMNS = ['question', 'A', 'B', 'C', 'D', 'answer'];

export const GENERAL_LAYOUTS: readonly TaskLayout[] = [
  {
    task: 'sst2',
    source: "GLUE's SST-2 TSV / Hugging Face glue sst2",
    columns: ['sentence', 'label'],
    read: (r) => binary(r, 'label', (label) => ({ sentence: text(r, 'sentence'), label })),
  },
  {
    task: 'cola',
    source: 'Hugging Face glue cola',
    columns: ['sentence', 'label'],
    read: (r) => binary(r, 'label', (label) => ({ sentence: text(r, 'sentence'), label })),
  },
  {
    task: 'mrpc',
    source: "GLUE's MRPC TSV",
    columns: ['Quality', '#1 String', '#2 String'],
    read: (r) => binary(r, 'Quality', (label) => ({ sentence1: text(r, '#1 String'), sentence2: text(r, '#2 String'), label })),
  },
  {
    task: 'mrpc',
    source: 'Hugging Face glue mrpc',
    columns: ['sentence1', 'sentence2', 'label'],
    read: (r) => binary(r, 'label', (label) => ({ sentence1: text(r, 'sentence1'), sentence2: text(r, 'sentence2'), label })),
  },
  {
    task: 'rte',
    source: "GLUE's RTE TSV / Hugging Face glue rte",
    columns: ['sentence1', 'sentence2', 'label'],
    read: (r) => {
      const label = rteLabel(r);
      return isProblem(label) ? label : { sentence1: text(r, 'sentence1'), sentence2: text(r, 'sentence2'), label };
    },
  },
  {
    task: 'nli',
    source: "GLUE's MNLI TSV",
    columns: ['sentence1', 'sentence2', 'gold_label'],
    read: (r) => {
      const label = nliLabel(r, 'gold_label');
      return label === null || isProblem(label) ? label : { sentence1: text(r, 'sentence1'), sentence2: text(r, 'sentence2'), label };
    },
  },
  {
    task: 'nli',
    source: 'Hugging Face glue mnli / multi_nli',
    columns: ['premise', 'hypothesis', 'label'],
    read: (r) => {
      const label = nliLabel(r, 'label');
      return label === null || isProblem(label) ? label : { sentence1: text(r, 'premise'), sentence2: text(r, 'hypothesis'), label };
    },
  },
  {
    task: 'mmlu',
    source: 'Hugging Face cais/mmlu',
    columns: ['question', 'choices', 'answer'],
    read: (r) => {
      const choices = choicesOf(r, 'choices', 4);
      if (isProblem(choices)) return choices;
      const label = answerIndex(r, 'answer', choices);
      return isProblem(label) ? label : { question: text(r, 'question'), choices, label };
    },
  },
  {
    task: 'mmlu',
    source: "MMLU's own CSV (no header)",
    columns: MMLU_CSV_COLUMNS,
    read: (r) => {
      const choices = ['A', 'B', 'C', 'D'].map((k) => text(r, k));
      const label = answerIndex(r, 'answer', choices);
      return isProblem(label) ? label : { question: text(r, 'question'), choices, label };
    },
  },
  {
    task: 'choice',
    source: "the lab's multiple-choice layout",
    columns: ['prompt', 'choices', 'answer'],
    read: (r) => {
      const choices = choicesOf(r, 'choices');
      if (isProblem(choices)) return choices;
      const label = answerIndex(r, 'answer', choices);
      return isProblem(label) ? label : { prompt: text(r, 'prompt'), choices, label };
    },
  },
];

const TASK_TITLES: Record<GeneralTaskId, string> = {
  sst2: 'SST-2',
  cola: 'CoLA',
  mrpc: 'MRPC',
  rte: 'RTE',
  nli: 'NLI',
  mmlu: 'MMLU',
  choice: 'Multiple choice',
};

/** The task a file name points to ("glue/cola/dev.tsv", "sst2-validation.jsonl", "mnli_dev.json" …). */
export function taskFromName(name: string): GeneralTaskId | null {
  const n = name.toLowerCase();
  const hits: GeneralTaskId[] = [];
  if (/sst/.test(n)) hits.push('sst2');
  if (/cola/.test(n)) hits.push('cola');
  if (/mrpc|msr_paraphrase/.test(n)) hits.push('mrpc');
  if (/rte/.test(n)) hits.push('rte');
  if (/mnli|multi_?nli|(^|[^a-z])nli/.test(n)) hits.push('nli');
  if (/mmlu/.test(n)) hits.push('mmlu');
  return hits.length === 1 ? hits[0] : null;
}

export const GENERAL_TASK_IDS: readonly GeneralTaskId[] = ['sst2', 'mrpc', 'cola', 'rte', 'nli', 'mmlu', 'choice'];

function describeLayouts(): string {
  return GENERAL_LAYOUTS.map((l) => `${TASK_TITLES[l.task]} (${l.source}: ${l.columns.join(', ')})`).join('; ');
}

/** The layout of a file whose first record has `columns`, or an InputError saying what is missing. */
export function detectGeneralLayout(where: string, columns: readonly string[], task: GeneralTaskId | null): TaskLayout {
  const candidates = GENERAL_LAYOUTS.filter((l) => task === null || l.task === task);
  const fits = candidates.filter((l) => l.columns.every((c) => columns.includes(c)));
  const has = `the file has ${columns.map((c) => JSON.stringify(c)).join(', ') || 'no columns'}`;
  if (fits.length === 0) {
    if (task !== null) {
      // the closest of the task's layouts names what it lacks
      const closest = [...candidates].sort(
        (a, b) => a.columns.filter((c) => !columns.includes(c)).length - b.columns.filter((c) => !columns.includes(c)).length,
      )[0];
      const missing = closest.columns.filter((c) => !columns.includes(c));
      throw new InputError(
        where,
        `${TASK_TITLES[task]} (${closest.source}) needs column ${missing.map((c) => JSON.stringify(c)).join(', ')}; ${has}`,
      );
    }
    throw new InputError(where, `no general-capability layout fits: ${has}; the layouts are ${describeLayouts()}`);
  }
  const tasks = [...new Set(fits.map((l) => l.task))];
  // GLUE's own SST-2 TSV is the one headed "sentence, label"; a bare HF export needs its name to tell
  if (tasks.length > 1)
    throw new InputError(
      where,
      `its columns fit ${tasks.map((t) => TASK_TITLES[t]).join(' and ')}; say which: name the file after the task (e.g. "${tasks[1]}-validation.jsonl") or pass ${tasks[1]}=FILE`,
    );
  return fits[0];
}

/** Plain TSV (no quoting), split into a header and rows, with each row's line number. */
function tsvRows(source: string): { lines: { fields: string[]; line: number }[] } {
  const lines: { fields: string[]; line: number }[] = [];
  source
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((l, i) => {
      const s = l.replace(/\r$/, '');
      if (s.trim()) lines.push({ fields: s.split('\t'), line: i + 1 });
    });
  return { lines };
}

async function readText(file: FileSource): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const c of file.stream()) parts.push(c);
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (all.set(p, at), (at += p.length));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(all);
  } catch {
    throw new InputError(file.name, 'is not UTF-8 text');
  }
}

/** A headerless GLUE CoLA TSV: four fields, the second 0 or 1. */
function isHeaderlessCola(fields: readonly string[]): boolean {
  return fields.length === 4 && (fields[1] === '0' || fields[1] === '1');
}

/**
 * The examples of one file: `task` from the caller (a `task=` prefix), else from the file's name,
 * else from its columns. A `choice` file may hold several tasks (a `task` column): one set each.
 */
export async function readGeneralSets(file: FileSource, task: GeneralTaskId | null = null): Promise<GeneralSet[]> {
  const hinted = task ?? taskFromName(file.name);
  let rows: { row: Row; line: number }[];
  let columns: string[];
  let layout: TaskLayout;
  if (/\.tsv$/i.test(file.name)) {
    const { lines } = tsvRows(await readText(file));
    if (lines.length === 0) throw new InputError(file.name, 'holds no records');
    const first = lines[0].fields;
    if ((hinted === 'cola' || hinted === null) && isHeaderlessCola(first)) {
      columns = ['source', 'label', 'original_label', 'sentence'];
      rows = lines.map(({ fields, line }) => ({ row: Object.fromEntries(columns.map((c, i) => [c, fields[i]])), line }));
      layout = GENERAL_LAYOUTS.find((l) => l.task === 'cola')!;
    } else {
      columns = first.map((c) => c.trim());
      rows = lines.slice(1).map(({ fields, line }) => ({ row: Object.fromEntries(columns.map((c, i) => [c, fields[i] ?? ''])), line }));
      // GLUE's TSV headed "sentence, label" is SST-2's (CoLA's has no header)
      layout = detectGeneralLayout(
        file.name,
        columns,
        hinted ?? (columns.includes('sentence') && columns.includes('label') ? 'sst2' : null),
      );
      for (const { row, line } of rows)
        for (const c of layout.columns)
          if (row[c] === undefined || row[c] === '')
            throw new InputError(
              `${file.name}, line ${line}`,
              `column ${JSON.stringify(c)} is empty (the line has fewer fields than the header)`,
            );
    }
  } else if (/\.csv$/i.test(file.name)) {
    // the one CSV layout: MMLU's own files (quoted as RFC 4180 says, no header)
    rows = [];
    for await (const it of readCsv(file, { maxRecordBytes: 16 << 20, delimiter: ',', header: MMLU_CSV_COLUMNS })) {
      if (it.problem !== undefined)
        throw new InputError(
          `${file.name}, line ${it.line}`,
          `${it.problem} (a CSV general set is MMLU's own: question, A, B, C, D, answer, no header)`,
        );
      rows.push({ row: it.value as Row, line: it.line });
    }
    if (rows.length === 0) throw new InputError(file.name, 'holds no records');
    columns = MMLU_CSV_COLUMNS;
    layout = GENERAL_LAYOUTS.find((l) => l.source.startsWith("MMLU's own CSV"))!;
  } else {
    const head = new TextDecoder()
      .decode(await file.read(0, Math.min(4096, await file.size())))
      .replace(/^\uFEFF/, '')
      .trimStart();
    const items = head.startsWith('[')
      ? readJsonArray(file, { maxRecordBytes: 16 << 20 })
      : readJsonLines(file, { maxRecordBytes: 16 << 20 });
    rows = [];
    for await (const it of items) {
      if (it.problem !== undefined) throw new InputError(`${file.name}, line ${it.line}`, it.problem);
      if (typeof it.value !== 'object' || it.value === null || Array.isArray(it.value))
        throw new InputError(`${file.name}, line ${it.line}`, 'each record must be a JSON object');
      rows.push({ row: it.value as Row, line: it.line });
    }
    if (rows.length === 0) throw new InputError(file.name, 'holds no records');
    columns = Object.keys(rows[0].row);
    layout = detectGeneralLayout(`${file.name}, line ${rows[0].line}`, columns, hinted);
  }
  const byTask = new Map<string, GeneralExample[]>();
  for (const { row, line } of rows) {
    for (const c of layout.columns)
      if (!(c in row))
        throw new InputError(
          `${file.name}, line ${line}`,
          `has no column ${JSON.stringify(c)} (${TASK_TITLES[layout.task]} needs ${layout.columns.join(', ')})`,
        );
    const ex = layout.read(row);
    if (ex === null) continue;
    if (isProblem(ex)) throw new InputError(`${file.name}, line ${line}, column ${JSON.stringify(ex.column)}`, ex.problem);
    const key = layout.task === 'choice' ? (typeof row.task === 'string' && row.task.trim() ? row.task.trim() : 'choice') : layout.task;
    if (!byTask.has(key)) byTask.set(key, []);
    byTask.get(key)!.push(ex);
  }
  if (byTask.size === 0) throw new InputError(file.name, 'holds no labelled records');
  return [...byTask].map(([key, examples]) => ({
    key,
    task: layout.task,
    title: layout.task === 'choice' ? key : TASK_TITLES[layout.task],
    source: file.name,
    examples,
  }));
}

/** `task=FILE` or `FILE`: the task named, if any, and the path. */
export function parseGeneralSpec(spec: string): { task: GeneralTaskId | null; path: string } {
  const m = /^([a-z0-9]+)=(.+)$/i.exec(spec);
  if (m && (GENERAL_TASK_IDS as readonly string[]).includes(m[1].toLowerCase()))
    return { task: m[1].toLowerCase() as GeneralTaskId, path: m[2] };
  return { task: null, path: spec };
}
