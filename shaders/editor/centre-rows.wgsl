// out [rows, d] = x − mean[offset + j] per column: the centring before ZCA whitening (ĝ = (g − μ)·Σ^{-1/2}).

struct Params { rows: u32, d: u32, offset: u32, _p0: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.y * nwg.x * 256u + gid.x;
  if (e >= p.rows * p.d) { return; }
  out[e] = x[e] - mean[p.offset + e % p.d];
}
