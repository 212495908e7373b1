/**
 * A whole RLEdit network for a model's edited modules (docs/design.md §8): one RLEditNet per weight
 * shape, created in the order the shapes first occur in the module list (the reference's Counter
 * over `edit_modules`), each module's index among the modules of its shape (`name2idx`), and the
 * running normalizer of each shape.
 */
import { emptyRunningMoments, type RunningMoments } from '../../linalg/chan';
import { InputError } from '../../types';
import { Rng } from '../../util/rng';
import { initParams, type RLEditParams, type RLEditShape } from './rledit-net';
import type { RLEditSettings } from './rledit-settings';

export interface NetworkModule {
  name: string;
  dIn: number;
  dOut: number;
  /** `${dIn}x${dOut}` */
  shape: string;
  /** Index among the modules of its shape. */
  index: number;
}

export interface ShapeNet {
  shape: RLEditShape;
  params: RLEditParams;
  norm: RunningMoments;
}

export interface RLEditNetwork {
  settings: RLEditSettings;
  modules: NetworkModule[];
  shapes: Record<string, ShapeNet>;
}

export function shapeKey(dIn: number, dOut: number): string {
  return `${dIn}x${dOut}`;
}

export function networkModules(modules: readonly { name: string; dIn: number; dOut: number }[]): NetworkModule[] {
  const seen = new Set<string>();
  const count = new Map<string, number>();
  return modules.map((m) => {
    if (seen.has(m.name)) throw new InputError('modules', `module ${m.name} is given twice`);
    seen.add(m.name);
    const shape = shapeKey(m.dIn, m.dOut);
    const index = count.get(shape) ?? 0;
    count.set(shape, index + 1);
    return { name: m.name, dIn: m.dIn, dOut: m.dOut, shape, index };
  });
}

export function createNetwork(modules: readonly { name: string; dIn: number; dOut: number }[], settings: RLEditSettings): RLEditNetwork {
  const mods = networkModules(modules);
  const rng = new Rng(settings.seed);
  const shapes: Record<string, ShapeNet> = {};
  for (const m of mods) {
    if (shapes[m.shape]) continue;
    const shape: RLEditShape = {
      dIn: m.dIn,
      dOut: m.dOut,
      rank: settings.rank,
      nBlocks: settings.nBlocks,
      modules: mods.filter((x) => x.shape === m.shape).length,
    };
    shapes[m.shape] = { shape, params: initParams(shape, settings.lr, rng), norm: emptyRunningMoments(m.dIn + m.dOut) };
  }
  return { settings, modules: mods, shapes };
}

export function cloneMoments(m: RunningMoments): RunningMoments {
  return { n: m.n, mean: Float64Array.from(m.mean), m2: Float64Array.from(m.m2) };
}
