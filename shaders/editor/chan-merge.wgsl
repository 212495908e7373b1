// Chan merge of one batch's column moments into the running statistics of z = [k | g], in place.
// Twin: src/engine/linalg/chan.ts chanMergeBlock. For columns [offset, offset + d):
//   δ = mean_b − mean;  mean += B·δ/n';  M2 += B·(M2_b/denom) + n·B·δ²/n'   (n' = n + B)
// denom = B (exact Chan, stableedit) or B − 1 (UltraEdit's unbiased batch variance quirk).
// δ is written out: the value-gradient scatter needs it for its cross term.

struct Params { d: u32, offset: u32, nOld: f32, rows: f32, denom: f32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> batchMean: array<f32>;
@group(0) @binding(1) var<storage, read> batchM2: array<f32>;
@group(0) @binding(2) var<storage, read_write> mean: array<f32>;
@group(0) @binding(3) var<storage, read_write> m2: array<f32>;
@group(0) @binding(4) var<storage, read_write> delta: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = gid.y * nwg.x * 64u + gid.x;
  if (j >= p.d) { return; }
  let c = p.offset + j;
  let n1 = p.nOld + p.rows;
  let dj = batchMean[j] - mean[c];
  delta[j] = dj;
  mean[c] += p.rows * dj / n1;
  m2[c] += p.rows * (batchM2[j] / p.denom) + p.nOld * p.rows * dj * dj / n1;
}
