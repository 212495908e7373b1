/** Normalizer state to and from plain records, checking every array's length on the way in. */
import type { RunningMoments } from '../../linalg/chan';
import { InputError } from '../../types';
import type { NormalizerState } from './normalizer';

export function saveRunningMoments(s: RunningMoments, prefix: string): NormalizerState {
  return { [`${prefix}n`]: s.n, [`${prefix}mean`]: s.mean.slice(), [`${prefix}m2`]: s.m2.slice() };
}

export function loadRunningMoments(s: NormalizerState, prefix: string, d: number): RunningMoments {
  return { n: stateNumber(s, `${prefix}n`), mean: stateArray(s, `${prefix}mean`, d), m2: stateArray(s, `${prefix}m2`, d) };
}

export function stateNumber(s: NormalizerState, key: string): number {
  const v = s[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`editor state "${key}"`, 'expected a finite number');
  return v;
}

export function stateArray(s: NormalizerState, key: string, length: number): Float64Array {
  const v = s[key];
  if (!(v instanceof Float64Array)) throw new InputError(`editor state "${key}"`, 'expected a Float64Array');
  if (v.length !== length) throw new InputError(`editor state "${key}"`, `expected ${length} values, got ${v.length}`);
  return v.slice();
}
