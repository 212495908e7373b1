/**
 * Runs GPU work inside validation / out-of-memory / internal error scopes and turns whatever they
 * catch into a GpuValidationError naming `label`. Scopes are per device, not per call: concurrent
 * work on the same device between push and pop is caught too, so keep scoped sections short.
 */
import { GpuValidationError } from './errors';

const FILTERS: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

export async function withErrorScope<T>(device: GPUDevice, label: string, work: () => T | Promise<T>): Promise<T> {
  for (const f of FILTERS) device.pushErrorScope(f);
  let result: T | undefined;
  let thrown: unknown;
  let failed = false;
  try {
    result = await work();
  } catch (e) {
    thrown = e;
    failed = true;
  }
  // Pop in reverse push order; all must be popped even when work threw.
  const caught: { kind: GPUErrorFilter; error: GPUError }[] = [];
  for (const f of [...FILTERS].reverse()) {
    const error = await device.popErrorScope();
    if (error) caught.push({ kind: f, error });
  }
  if (failed) throw thrown;
  if (caught.length) {
    const first = caught[caught.length - 1];
    throw new GpuValidationError(label, first.kind, caught.map((c) => c.error.message).join(' | '));
  }
  return result as T;
}
