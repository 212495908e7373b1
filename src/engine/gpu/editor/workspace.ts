/**
 * The GPU editor's per-turn buffers, kept across turns under a stable role name ("K layers.3.mlp",
 * "ridge A …"), so that a turn of the same shape binds the very same buffers and finds its bind groups
 * already made (./binding-cache.ts; docs/design.md, "GPU linear algebra"). A role whose turn needs more
 * bytes than its buffer holds gets a new, larger buffer; kernels take their sizes from their
 * parameters, never from the buffer's length, so a larger buffer is never wrong.
 */
import type { BindingCache } from './binding-cache';

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export class Workspace {
  private readonly buffers = new Map<string, GPUBuffer>();

  constructor(
    private readonly device: GPUDevice,
    private readonly bindings: BindingCache,
  ) {}

  /** The buffer of `role`, at least `bytes` long (4 at least), with `usage` (storage by default). */
  get(role: string, bytes: number, usage: GPUBufferUsageFlags = STORAGE()): GPUBuffer {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const old = this.buffers.get(role);
    if (old && old.size >= size && old.usage === usage) return old;
    if (old) this.drop(old);
    const b = this.device.createBuffer({ size, usage, label: role });
    this.buffers.set(role, b);
    return b;
  }

  get count(): number {
    return this.buffers.size;
  }

  destroy(): void {
    for (const b of this.buffers.values()) this.drop(b);
    this.buffers.clear();
  }

  private drop(b: GPUBuffer): void {
    this.bindings.forget(b);
    b.destroy();
  }
}
