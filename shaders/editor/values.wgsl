// Row-wise value targets with the diagonal normalization fused in (one workgroup per row):
//   k̂ = (k − mean_k)/(std_k + ε)  (or k when K_NORM is false: no-ln)
//   ĝ = (g − mean_g)/(std_g + ε)  (G_MODE 1), g as given (G_MODE 0: raw, or already whitened)
//   V_i = −lr · ‖k̂_i‖² · ĝ_i
// std = sqrt(M2/(n − 1 + ε)) straight from the running statistics of z = [k | g] (mean/M2 hold dIn
// key columns then dOut gradient columns). Twins: editors/values.ts, normalizers/diagonal-plan.ts.

override K_NORM: bool = true;
override G_MODE: u32 = 1u;

struct Params { rows: u32, dIn: u32, dOut: u32, _p0: u32, n: f32, lr: f32, eps: f32, _p1: u32 }

@group(0) @binding(0) var<storage, read> keys: array<f32>;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> m2: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

const W: u32 = 64u;
var<workgroup> partial: array<f32, 64>;

fn invStd(c: u32) -> f32 {
  return 1.0 / (sqrt(m2[c] / (p.n - 1.0 + p.eps)) + p.eps);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wg.y * nwg.x + wg.x;
  // Uniform per workgroup, so the barriers below stay in uniform control flow.
  let live = row < p.rows;
  var kk = 0.0;
  if (live) {
    for (var c = lid.x; c < p.dIn; c += W) {
      var x = keys[row * p.dIn + c];
      if (K_NORM) { x = (x - mean[c]) * invStd(c); }
      kk = fma(x, x, kk);
    }
  }
  partial[lid.x] = kk;
  workgroupBarrier();
  for (var half = W / 2u; half > 0u; half >>= 1u) {
    if (lid.x < half) { partial[lid.x] += partial[lid.x + half]; }
    workgroupBarrier();
  }
  if (!live) { return; }
  let scale = -p.lr * partial[0];
  for (var c = lid.x; c < p.dOut; c += W) {
    var y = grads[row * p.dOut + c];
    if (G_MODE == 1u) { y = (y - mean[p.dIn + c]) * invStd(p.dIn + c); }
    v[row * p.dOut + c] = scale * y;
  }
}
