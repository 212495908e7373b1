// A [n, n] += λ·I (the ridge term of KKᵀ + λI or KᵀK + λI), in place.

struct Params { n: u32, _p0: u32, _p1: u32, _p2: u32, lambda: f32, _p3: u32, _p4: u32, _p5: u32 }

@group(0) @binding(0) var<storage, read_write> a: array<f32>;
@group(0) @binding(1) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * nwg.x * 64u + gid.x;
  if (i < p.n) { a[i * p.n + i] += p.lambda; }
}
