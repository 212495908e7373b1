// Frobenius inner product ⟨a, b⟩ = Σ a_i b_i of two flat tensors (norm: a = b), written to out[slot]
// so every diagnostic of a turn lands in one small buffer read back once. One workgroup: each lane
// sums a strided slice, then a tree reduction. Twin: src/engine/linalg/frobenius.ts.

struct Params { len: u32, slot: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

const W: u32 = 256u;
var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  var s = 0.0;
  for (var i = lid.x; i < p.len; i += W) { s = fma(a[i], b[i], s); }
  partial[lid.x] = s;
  workgroupBarrier();
  for (var half = W / 2u; half > 0u; half >>= 1u) {
    if (lid.x < half) { partial[lid.x] += partial[lid.x + half]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[p.slot] = partial[0]; }
}
