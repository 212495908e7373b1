/**
 * A run as a JSON file: what "export run" writes, "import run" reads, and persistence stores. The
 * format tag and version let a later lab refuse or migrate files it does not understand.
 */
import { InputError } from '../../engine/types';
import { restoredStatus } from './status';
import type { LabRun, RunStatus } from './types';

export const RUN_FILE_FORMAT = 'stableedit-lab.run';
export const RUN_FILE_VERSION = 1;

export interface RunFile extends Omit<LabRun, 'version'> {
  format: typeof RUN_FILE_FORMAT;
  formatVersion: number;
}

export function toRunFile(run: LabRun): RunFile {
  const { version: _version, ...rest } = run;
  return { format: RUN_FILE_FORMAT, formatVersion: RUN_FILE_VERSION, ...rest };
}

export function runFileJson(run: LabRun): string {
  return JSON.stringify(toRunFile(run));
}

const STATUSES: readonly RunStatus[] = ['starting', 'running', 'paused', 'stopped', 'finished', 'failed', 'interrupted'];

/** Checks the structure the charts rely on; `source` (a file name) goes into every message. */
export function parseRunFile(value: unknown, source: string): LabRun {
  const fail = (where: string, what: string): never => {
    throw new InputError(`${source}: ${where}`, what);
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(value)) return fail('top level', 'is not a JSON object (expected a run exported by StableEdit Lab)');
  if (value.format !== RUN_FILE_FORMAT) return fail('format', `is ${JSON.stringify(value.format)}, expected "${RUN_FILE_FORMAT}"`);
  if (typeof value.formatVersion !== 'number' || value.formatVersion > RUN_FILE_VERSION) {
    return fail('formatVersion', `${JSON.stringify(value.formatVersion)} is not supported (this lab reads up to ${RUN_FILE_VERSION})`);
  }
  if (typeof value.id !== 'string' || !value.id) fail('id', 'must be a non-empty string');
  if (typeof value.label !== 'string') fail('label', 'must be a string');
  if (!STATUSES.includes(value.status as RunStatus)) fail('status', `must be one of ${STATUSES.join(', ')}`);
  if (!Array.isArray(value.turns)) fail('turns', 'must be an array');
  if (!Array.isArray(value.metrics)) fail('metrics', 'must be an array');
  const turns = value.turns as unknown[];
  turns.forEach((t, i) => {
    if (!isObj(t)) return fail(`turns[${i}]`, 'is not an object');
    for (const k of ['step', 'edits', 'wallMs'] as const) if (typeof t[k] !== 'number') fail(`turns[${i}].${k}`, 'must be a number');
    if (t.kind !== 'warmup' && t.kind !== 'target') fail(`turns[${i}].kind`, 'must be "warmup" or "target"');
    if (!isObj(t.diagnostics) || !Array.isArray(t.diagnostics.modules)) fail(`turns[${i}].diagnostics.modules`, 'must be an array');
  });
  (value.metrics as unknown[]).forEach((m, i) => {
    if (!isObj(m) || typeof m.protocol !== 'string' || typeof m.edits !== 'number' || !isObj(m.metrics)) {
      fail(`metrics[${i}]`, 'must be { protocol, edits, metrics }');
    }
  });
  const file = value as unknown as RunFile;
  return {
    id: file.id,
    label: file.label,
    config: file.config ?? null,
    // a run that was going where it was saved is not going here
    status: restoredStatus(file.status),
    createdAt: typeof file.createdAt === 'number' ? file.createdAt : 0,
    plan: file.plan,
    turns: file.turns,
    metrics: file.metrics,
    report: file.report,
    warnings: Array.isArray(file.warnings) ? file.warnings : [],
    error: file.error,
    lastCheckpoint: file.lastCheckpoint,
    ...(Number.isInteger(file.seenTurns) ? { seenTurns: file.seenTurns } : {}),
    ...(Number.isInteger(file.colorSlot) && file.colorSlot! >= 0 ? { colorSlot: file.colorSlot } : {}),
    version: 0,
  };
}

/** Reads an exported run from its text; JSON syntax errors are reported with the file name. */
export function parseRunFileText(text: string, source: string): LabRun {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(source, `not valid JSON (${(e as Error).message})`);
  }
  return parseRunFile(value, source);
}
