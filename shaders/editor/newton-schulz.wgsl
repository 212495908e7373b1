// Elementwise steps of the coupled Newton–Schulz iteration for Σ^{-1/2} (the products are matmul.wgsl):
//   init:  Y₀ = Σ·s (s = 1/c), Z₀ = I            (entry `init`,   x = Σ, y = Y, z = Z)
//   step:  T = ½(3I − P), P = Z·Y                (entry `step`,   x = P, y = T, z unused)
//   final: Σ^{-1/2} = Z·s (s = 1/√c)            (entry `finish`, x = Z, y = out, z unused)
// Twin: src/engine/linalg/newtonSchulz.ts. Every entry touches all three bindings so they share one layout.

struct Params { d: u32, _p0: u32, _p1: u32, _p2: u32, s: f32, _p3: u32, _p4: u32, _p5: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn index(gid: vec3u, nwg: vec3u) -> u32 { return gid.y * nwg.x * 256u + gid.x; }

@compute @workgroup_size(256)
fn init(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = index(gid, nwg);
  if (e >= p.d * p.d) { return; }
  y[e] = x[e] * p.s;
  z[e] = select(0.0, 1.0, e / p.d == e % p.d);
}

@compute @workgroup_size(256)
fn step(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = index(gid, nwg);
  if (e >= p.d * p.d) { _ = z[0]; return; }
  y[e] = 0.5 * (select(0.0, 3.0, e / p.d == e % p.d) - x[e]);
}

@compute @workgroup_size(256)
fn finish(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = index(gid, nwg);
  if (e >= p.d * p.d) { _ = z[0]; return; }
  y[e] = x[e] * p.s;
}
