// out = s·x over `len` floats (the ft baseline's −lr·KᵀG).

struct Params { len: u32, _p0: u32, _p1: u32, _p2: u32, s: f32, _p3: u32, _p4: u32, _p5: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.y * nwg.x * 256u + gid.x;
  if (e < p.len) { out[e] = x[e] * p.s; }
}
