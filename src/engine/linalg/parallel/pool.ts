/**
 * The float64 linear algebra's thread pool (docs/design.md §6: the editor math is the CPU twin of the
 * GPU kernels): a synchronous fork–join over workers that share SharedArrayBuffers. `run` gives
 * every thread one `part` of a task (part 0 runs on the caller), then blocks in Atomics.wait until
 * the workers are done, so the float64 editors stay synchronous. Each kernel splits its work so that
 * every output element is computed by the same operations in the same order whatever the part count:
 * results are bit-identical to one thread (tests: parallel/parallel.test.ts).
 *
 * One pool is installed per JS realm (the CLI and the benchmarks in Node: node-pool.ts; the engine
 * worker in the browser: web-pool.ts); without one, everything runs on the calling thread.
 */
import { runTask, type TaskName } from './tasks';

export interface F64Pool {
  /** Threads a task is split over, the caller included (1: no workers). */
  readonly threads: number;
  /** Why the pool has fewer threads than asked (no SharedArrayBuffer, …), for logs and diagnostics. */
  readonly note?: string;
  /** Runs `task` as `threads` parts over the shared buffers and returns when every part is done. */
  run(task: TaskName, buffers: readonly ArrayBufferLike[], params: readonly number[]): void;
  /** Stops the workers. */
  close(): void;
}

/** The caller alone: the twin every parallel run is compared with. */
export const SERIAL_POOL: F64Pool = {
  threads: 1,
  run: (task, buffers, params) => runTask(task, buffers, params, 0, 1),
  close: () => {},
};

let installed: F64Pool = SERIAL_POOL;

/** Makes `pool` the one the linear algebra uses by default (closing the previous one). */
export function installF64Pool(pool: F64Pool): void {
  if (installed !== pool) installed.close();
  installed = pool;
}

export function currentF64Pool(): F64Pool {
  return installed;
}

/** A Float64Array the pool's workers can see (plain memory when there are none). */
export function poolArray(pool: F64Pool, length: number): Float64Array {
  return new Float64Array(pool.threads > 1 ? new SharedArrayBuffer(length * 8) : new ArrayBuffer(length * 8));
}

export function poolInts(pool: F64Pool, length: number): Int32Array {
  return new Int32Array(pool.threads > 1 ? new SharedArrayBuffer(length * 4) : new ArrayBuffer(length * 4));
}

/**
 * The calling side of a pool of started workers: posts each worker its part, runs part 0, waits for
 * the count of finished parts in `control[0]` (control[1] ≠ 0: a worker threw). Shared by the Node and
 * browser pools, which differ only in how a worker is started.
 */
export function forkJoin(
  post: (worker: number, message: WorkerTask) => void,
  workers: number,
  task: TaskName,
  buffers: readonly ArrayBufferLike[],
  params: readonly number[],
  control: Int32Array,
): void {
  const parts = workers + 1;
  Atomics.store(control, 0, 0);
  Atomics.store(control, 1, 0);
  for (let w = 0; w < workers; w++)
    post(w, { task, buffers: [...buffers], params: [...params], part: w + 1, parts, control: control.buffer });
  let failure: unknown = null;
  try {
    runTask(task, buffers, params, 0, parts);
  } catch (e) {
    failure = e;
  }
  for (let done = Atomics.load(control, 0); done < workers; done = Atomics.load(control, 0)) Atomics.wait(control, 0, done);
  if (failure) throw failure;
  if (Atomics.load(control, 1) !== 0)
    throw new Error(`float64 ${task}: a linear-algebra worker failed (see its error above); --threads 1 runs without workers`);
}

export interface WorkerTask {
  task: TaskName;
  buffers: ArrayBufferLike[];
  params: number[];
  part: number;
  parts: number;
  control: ArrayBufferLike;
}

/** A worker's side: runs its part, then counts it done (and flags a failure) for forkJoin. */
export function runWorkerTask(m: WorkerTask): void {
  const control = new Int32Array(m.control);
  try {
    runTask(m.task, m.buffers, m.params, m.part, m.parts);
  } catch (e) {
    console.error(`float64 ${m.task} part ${m.part}/${m.parts}:`, e);
    Atomics.store(control, 1, 1);
  } finally {
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
  }
}
