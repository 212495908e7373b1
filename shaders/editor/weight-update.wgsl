// In-place weight update from ΔW [dIn, dOut] (output change k·ΔW):
//   Linear W [dOut, dIn] += ΔWᵀ  (CONV1D false);  GPT-2 Conv1D W [dIn, dOut] += ΔW  (CONV1D true).
// One invocation per weight element, indexed in W's own layout so writes are contiguous.

override CONV1D: bool = false;

struct Params { dIn: u32, dOut: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> delta: array<f32>;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.y * nwg.x * 256u + gid.x;
  if (e >= p.dIn * p.dOut) { return; }
  if (CONV1D) {
    w[e] += delta[e];
  } else {
    let o = e / p.dIn;
    let i = e % p.dIn;
    w[e] += delta[i * p.dOut + o];
  }
}
