/**
 * Buffer helpers: create / upload / read back through a staging buffer, and a pool that recycles
 * buffers of the same byte size and usage (kernels run every turn on identical shapes).
 * Usage flags are read from the global GPUBufferUsage lazily so importing this file in Node
 * without WebGPU does not throw.
 */

export function storageUsage(): GPUBufferUsageFlags {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
}

/** WebGPU buffers must be non-empty and copies 4-byte aligned. */
export function paddedSize(bytes: number): number {
  return Math.max(4, Math.ceil(bytes / 4) * 4);
}

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly owned = new Set<GPUBuffer>();

  constructor(private readonly device: GPUDevice) {}

  acquire(bytes: number, usage: GPUBufferUsageFlags, label?: string): GPUBuffer {
    const size = paddedSize(bytes);
    const stack = this.free.get(`${usage}:${size}`);
    const reused = stack?.pop();
    if (reused) return reused;
    const buffer = this.device.createBuffer({ size, usage, label });
    this.owned.add(buffer);
    return buffer;
  }

  /** Returns a buffer for reuse. Safe right after submit: later writes are ordered after that work on the queue. */
  release(buffer: GPUBuffer): void {
    if (!this.owned.has(buffer)) return;
    const key = `${buffer.usage}:${buffer.size}`;
    const stack = this.free.get(key);
    if (stack) stack.push(buffer);
    else this.free.set(key, [buffer]);
  }

  get freeCount(): number {
    let n = 0;
    for (const s of this.free.values()) n += s.length;
    return n;
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.clear();
    this.free.clear();
  }
}

export function uploadBuffer(device: GPUDevice, data: ArrayBufferView, usage = storageUsage(), label?: string): GPUBuffer {
  const buffer = device.createBuffer({ size: paddedSize(data.byteLength), usage: usage | GPUBufferUsage.COPY_DST, label });
  writeBuffer(device, buffer, data);
  return buffer;
}

export function writeBuffer(device: GPUDevice, buffer: GPUBuffer, data: ArrayBufferView, offset = 0): void {
  if (data.byteLength % 4 === 0) {
    // An ArrayBuffer source takes its offset and size in bytes, whatever the view's element type.
    device.queue.writeBuffer(buffer, offset, data.buffer as ArrayBuffer | SharedArrayBuffer, data.byteOffset, data.byteLength);
    return;
  }
  const padded = new Uint8Array(paddedSize(data.byteLength));
  padded.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  device.queue.writeBuffer(buffer, offset, padded);
}

/** Copies `bytes` from `src` (needs COPY_SRC) into a mappable staging buffer and returns a private copy. */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, bytes = src.size, offset = 0, pool?: BufferPool): Promise<ArrayBuffer> {
  const size = paddedSize(bytes);
  const usage = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
  const staging = pool ? pool.acquire(size, usage, 'staging') : device.createBuffer({ size, usage, label: 'staging' });
  const encoder = device.createCommandEncoder({ label: 'readback' });
  encoder.copyBufferToBuffer(src, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ, 0, size);
  const copy = staging.getMappedRange(0, size).slice(0, bytes);
  staging.unmap();
  if (pool) pool.release(staging);
  else staging.destroy();
  return copy;
}

export async function readFloat32(device: GPUDevice, src: GPUBuffer, count: number, pool?: BufferPool): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, src, count * 4, 0, pool));
}
