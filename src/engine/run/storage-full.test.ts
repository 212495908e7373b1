/**
 * A full browser store (docs/design.md §5, "Writes"): the page's checkpoint writes (OPFS) and its run
 * saves (IndexedDB, src/ui/runs/persist-runs.test.ts) meet the quota as a DOMException named
 * QuotaExceededError. A checkpoint that does not fit keeps the previous one, pauses the run with the
 * way on, and resuming it ends exactly where an uninterrupted run ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tinyCheckpoint } from '../model/generate-tiny';
import { memoryFolder } from '../io/memory';
import { loadModel } from '../model/load';
import { createCpuRuntime } from '../runtime/cpu-runtime';
import type { EditRecord } from '../types';
import { DEFAULT_RUN, type RunConfig } from './config';
import { LifelongRun } from './lifelong-run';
import { MemoryStore, OpfsStore } from './checkpoint-store';
import { RunController, type RunState } from './controller';
import type { RunEvent } from './events';
import { StorageFullError } from '../io/storage-full';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

function edits(n: number): EditRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    prompt: `The capital of place ${i} is`,
    answer: ['Paris', 'Rome', 'York'][i % 3],
  }));
}

/** A MemoryStore whose `fullAt`-th write (1-based) the quota refuses, as OPFS would. */
class QuotaStore extends MemoryStore {
  writes = 0;
  constructor(private readonly fullAt: number) {
    super();
  }
  override async write(name: string, bytes: Uint8Array) {
    if (++this.writes === this.fullAt)
      throw new StorageFullError(`${name} could not be saved, the previous one is kept: ${quota().message}`);
    await super.write(name, bytes);
  }
}

describe('a full browser store', () => {
  const cfg: RunConfig = {
    ...DEFAULT_RUN,
    editor: 'stableedit',
    lr: 2e-2,
    ridge: 1,
    modules: ['model.layers.1.mlp.down_proj'],
    nEdits: 3,
    subBatch: 2,
    turns: 4,
    sampleEvery: 0,
    checkpointEvery: 1,
    finalEval: false,
  };

  it('a checkpoint the quota refuses pauses the run, keeps the previous checkpoint, and resuming ends equal to an uninterrupted run', async () => {
    const model = await loadModel(memoryFolder('tiny', tinyCheckpoint({ arch: 'llama', seed: 3, hidden: 16, layers: 2, heads: 2 })));
    const open = async (store: MemoryStore, emit?: (e: RunEvent) => void) =>
      LifelongRun.open(cfg, { runtime: await createCpuRuntime(model), tokenizer: model.tokenizer, target: edits(12), store, emit });
    const whole = await open(new MemoryStore());
    await new RunController(whole).drive();

    const store = new QuotaStore(2);
    const events: RunEvent[] = [];
    const run = await open(store, (e) => events.push(e));
    const states: RunState[] = [];
    const controller = new RunController(run, (s) => states.push(s));
    const driving = controller.drive();
    await new Promise<void>((r) => {
      const poll = () => (controller.status === 'paused' ? r() : setTimeout(poll, 5));
      poll();
    });
    expect(run.stepIndex).toBe(2);
    expect(run.lastCheckpoint).toBe(1);
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings.join('\n')).toMatch(
      /checkpoint\.bin could not be saved, the previous one is kept.*The run is paused after step 2 with everything in memory: make room, then Resume/,
    );
    // The store still holds step 1's checkpoint, whole: a reload now would resume from it.
    const reopened = await open(store);
    expect(reopened.stepIndex).toBe(1);

    controller.resume();
    await driving;
    expect(controller.status).toBe('finished');
    expect(states).toEqual(['running', 'paused', 'running', 'finished']);
    const numbers = (r: LifelongRun) => r.turns.map((t) => [t.loss, t.diagnostics.modules.map((m) => m.deltaNorm)]);
    expect(numbers(run)).toEqual(numbers(whole));
  });
});

describe('OpfsStore on a full quota', () => {
  const realNavigator = globalThis.navigator;
  afterEach(() => Object.defineProperty(globalThis, 'navigator', { value: realNavigator, configurable: true }));

  it('aborts the write (the previous file stays) and says what was not saved and how to make room', async () => {
    // OPFS as the File System spec has it: a writable writes to a swap file, committed by close(), dropped by abort().
    const files = new Map<string, Uint8Array>([['checkpoint.bin', Uint8Array.of(1, 2, 3)]]);
    let aborted = 0;
    const dir = {
      async getFileHandle(name: string) {
        return {
          async createWritable() {
            let swap: Uint8Array | null = null;
            return {
              async write(b: Uint8Array) {
                if (b.length > 8) throw quota();
                swap = b.slice();
              },
              async close() {
                files.set(name, swap!);
              },
              async abort() {
                aborted++;
              },
            };
          },
        };
      },
    };
    const storage = { getDirectory: async () => ({ getDirectoryHandle: async () => dir }) };
    Object.defineProperty(globalThis, 'navigator', { value: { storage }, configurable: true });
    const store = new OpfsStore('run-1');
    await expect(store.write('checkpoint.bin', new Uint8Array(100))).rejects.toThrow(
      /checkpoint\.bin \(100 bytes\) could not be saved, the previous one is kept: the browser's storage for this site is full \(its quota\): remove runs/,
    );
    expect(aborted).toBe(1);
    expect(files.get('checkpoint.bin')).toEqual(Uint8Array.of(1, 2, 3));
    await store.write('checkpoint.bin', Uint8Array.of(9));
    expect(files.get('checkpoint.bin')).toEqual(Uint8Array.of(9));
  });
});
