/**
 * Bind groups and uniform parameter blocks made once per shape (docs/design.md, "GPU linear algebra"):
 * a dispatch is keyed by its pipeline, the buffers it binds and how many dispatches with that same
 * pipeline and buffers came before it in the current submit. A turn of the same shape replays the same
 * keys, so it finds its bind groups and parameter blocks already made and only rewrites the blocks whose
 * values changed (queue.writeBuffer lands before the submit that reads it and after the previous one,
 * so each key may be used once per submit: hence the occurrence count, restarted by `submitted`).
 * Every bind group and uniform buffer of the editor is created here, and `created` counts them.
 */

interface Slot {
  group: GPUBindGroup;
  uniform: GPUBuffer;
  bytes: Uint8Array;
  buffers: number[];
}

export class BindingCache {
  /** Creations so far (the proof that a repeated shape creates none). */
  readonly created = { bindGroups: 0, uniformBuffers: 0 };
  private readonly ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;
  private readonly slots = new Map<string, Slot>();
  private occurrences = new Map<string, number>();

  constructor(private readonly device: GPUDevice) {}

  /** A counted createBindGroup. */
  createBindGroup(descriptor: GPUBindGroupDescriptor): GPUBindGroup {
    this.created.bindGroups++;
    return this.device.createBindGroup(descriptor);
  }

  /** A counted uniform buffer of `bytes`, writable by queue.writeBuffer. */
  createUniform(bytes: number, label: string): GPUBuffer {
    this.created.uniformBuffers++;
    return this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label });
  }

  /**
   * The bind group of `pipeline` (cache name `key`) with `buffers` at bindings 0.. and a parameter
   * block holding `params` after them, for the next dispatch of this submit. A null buffer is a
   * binding the entry point does not use (its auto layout leaves it out).
   */
  bind(key: string, pipeline: GPUComputePipeline, buffers: (GPUBuffer | null)[], params: ArrayBuffer, label: string): GPUBindGroup {
    const ids = buffers.map((b) => (b ? this.id(b) : 0));
    const base = `${key}|${ids.join(',')}`;
    const occurrence = this.occurrences.get(base) ?? 0;
    this.occurrences.set(base, occurrence + 1);
    const slotKey = `${base}#${occurrence}`;
    let slot = this.slots.get(slotKey);
    if (!slot) {
      const uniform = this.createUniform(params.byteLength, `${label} params`);
      const group = this.createBindGroup({
        label,
        layout: pipeline.getBindGroupLayout(0),
        entries: [...buffers, uniform].flatMap((buffer, binding) => (buffer ? [{ binding, resource: { buffer } }] : [])),
      });
      slot = { group, uniform, bytes: new Uint8Array(0), buffers: ids };
      this.slots.set(slotKey, slot);
    }
    const bytes = new Uint8Array(params);
    if (!sameBytes(slot.bytes, bytes)) {
      this.device.queue.writeBuffer(slot.uniform, 0, bytes);
      slot.bytes = bytes;
    }
    return slot.group;
  }

  /** Called at each submit: the next dispatches start a new round of occurrences. */
  submitted(): void {
    this.occurrences = new Map();
  }

  /** Drops (and frees the parameter blocks of) every slot binding `buffer`, before it is destroyed. */
  forget(buffer: GPUBuffer): void {
    const id = this.ids.get(buffer);
    if (id === undefined) return;
    for (const [key, slot] of this.slots)
      if (slot.buffers.includes(id)) {
        slot.uniform.destroy();
        this.slots.delete(key);
      }
  }

  get size(): number {
    return this.slots.size;
  }

  dispose(): void {
    for (const slot of this.slots.values()) slot.uniform.destroy();
    this.slots.clear();
  }

  private id(b: GPUBuffer): number {
    let id = this.ids.get(b);
    if (id === undefined) this.ids.set(b, (id = this.nextId++));
    return id;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
