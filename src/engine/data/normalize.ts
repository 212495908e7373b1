/**
 * One raw element → one EditRecord, or the first problem found (which field, what is wrong).
 * Every mapped field must be a non-empty string under the length cap and free of U+FFFD (what a
 * lenient decoder leaves for invalid UTF-8); prompt and answer are required, the rest optional
 * (absent or null means absent).
 */
import { Rng } from '../util/rng';
import type { EditRecord } from '../types';
import { REPLACEMENT_CHAR } from './byte-stream';
import type { FieldPaths, Layout, RecordField } from './layouts';

export interface NormalizeOptions {
  /** Longest string accepted in any field, in UTF-16 code units. */
  maxChars: number;
  /** Seed for picking one element of list-valued fields (FEVER equiv_prompt, …). */
  seed: number;
  /** 'seeded' picks per record from `seed`; 'first' always takes element 0. */
  listPick: 'seeded' | 'first';
  zsreLocQuestionMark: boolean;
}

export type Normalized = { record: EditRecord } | { field: string; problem: string };

const REQUIRED: readonly RecordField[] = ['prompt', 'answer'];
const ORDER: readonly RecordField[] = [
  'prompt',
  'answer',
  'rephrase',
  'locPrompt',
  'locAnswer',
  'personas',
  'mhop',
  'mhopAnswer',
  'subject',
  'oldAnswer',
];

export function normalizeRecord(raw: unknown, index: number, layout: Layout, opts: NormalizeOptions): Normalized {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { field: '(record)', problem: `expected an object, got ${typeName(raw)}` };
  const rec: Partial<EditRecord> = {};
  for (const [k, field] of ORDER.entries()) {
    const paths = layout.fields[field];
    if (paths === undefined) continue;
    const found = resolve(raw, paths);
    if (found === undefined) {
      if (REQUIRED.includes(field)) return { field: listPaths(paths), problem: 'is missing' };
      continue;
    }
    const allowList = layout.listFields?.includes(field) ?? false;
    const v = checkValue(found.value, allowList, opts, index, k);
    if (typeof v !== 'string') return { field: found.path, problem: v.problem };
    rec[field] = v;
  }
  const out = rec as Omit<EditRecord, 'index'>;
  const problem = layout.finish?.(out, opts, raw as Record<string, unknown>) ?? null;
  if (problem) return { field: '(record)', problem };
  return { record: { index, ...out } };
}

function checkValue(
  value: unknown,
  allowList: boolean,
  opts: NormalizeOptions,
  index: number,
  fieldOrdinal: number,
): string | { problem: string } {
  if (Array.isArray(value)) {
    if (!allowList) return { problem: `expected a string, got a list` };
    if (value.length === 0) return { problem: 'is an empty list' };
    const bad = value.findIndex((x) => typeof x !== 'string');
    if (bad >= 0) return { problem: `element ${bad} is ${typeName(value[bad])}, expected a string` };
    value = value[opts.listPick === 'first' ? 0 : pickIndex(value.length, opts.seed, index, fieldOrdinal)];
  }
  if (typeof value !== 'string') return { problem: `expected a string, got ${typeName(value)}` };
  if (!value.trim()) return { problem: 'is empty' };
  if (value.length > opts.maxChars) return { problem: `is ${value.length} characters long, over the cap of ${opts.maxChars} (maxChars)` };
  if (value.includes(REPLACEMENT_CHAR)) return { problem: 'contains U+FFFD (invalid UTF-8 in the file, or a replacement character)' };
  return value;
}

/** Depends only on (seed, record index, field), so the pick survives skipped records and resumed runs. */
function pickIndex(n: number, seed: number, index: number, fieldOrdinal: number): number {
  return new Rng((seed ^ Math.imul(index + 1, 0x85ebca6b) ^ Math.imul(fieldOrdinal + 1, 0xc2b2ae35)) >>> 0).int(n);
}

/** The first of the paths present (null counts as absent). */
function resolve(raw: object, paths: FieldPaths): { path: string; value: unknown } | undefined {
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    let v: unknown = raw;
    for (const seg of path.split('.')) {
      if (v === null || typeof v !== 'object') {
        v = undefined;
        break;
      }
      v = Array.isArray(v) ? (/^\d+$/.test(seg) ? v[Number(seg)] : undefined) : (v as Record<string, unknown>)[seg];
    }
    if (v !== undefined && v !== null) return { path, value: v };
  }
  return undefined;
}

function listPaths(paths: FieldPaths): string {
  return typeof paths === 'string' ? paths : paths.join(' | ');
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v} (${JSON.stringify(v)?.slice(0, 40)})`;
}
