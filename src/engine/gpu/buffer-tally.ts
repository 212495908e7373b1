/**
 * Bytes of GPU buffers alive on a device, and their peak: every buffer created through it counts
 * until destroyed — the lab's weights, the editor's pool and onnxruntime-web's own buffers (its WebGPU
 * EP allocates on the device it is given). What the GPU memory estimate (model/memory-estimate.ts)
 * is checked against; RSS of SwiftShader's process also holds its shader compiler.
 */
export interface BufferTally {
  live(): number;
  peak(): number;
}

export function tallyBuffers(device: GPUDevice): BufferTally {
  let live = 0;
  let peak = 0;
  const create = device.createBuffer.bind(device);
  device.createBuffer = (desc: GPUBufferDescriptor) => {
    const b = create(desc);
    live += desc.size;
    peak = Math.max(peak, live);
    const destroy = b.destroy.bind(b);
    let gone = false;
    b.destroy = () => {
      if (!gone) live -= desc.size;
      gone = true;
      destroy();
    };
    return b;
  };
  return { live: () => live, peak: () => peak };
}
