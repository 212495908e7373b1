// Blocked triangular solves with the Cholesky factor L [n, n] (lower), in place on B [n, m]
// (docs/design.md, "GPU linear algebra"):
//   TRANSPOSED false: L·Y = B (forward);  TRANSPOSED true: Lᵀ·X = Y (backward).
// Per block of rows [k0, k0 + nb), taken in order (forward) or reverse order (backward), the host
// records `diagonal` (each invocation owns one of the m independent columns and substitutes through
// the block's rows: no barriers) and then `update`, which subtracts the solved block from the rows not
// yet solved (below it forward, above it backward) as a tiled product across many workgroups. With
// nb = n, `diagonal` alone is the whole unblocked solve. Twin: src/engine/linalg/cholesky.ts
// solveLower / solveLowerTransposed.

override TRANSPOSED: bool = false;

struct Params { n: u32, m: u32, k0: u32, nb: u32 }

@group(0) @binding(0) var<storage, read> l: array<f32>;
@group(0) @binding(1) var<storage, read_write> b: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

// The widest block `update` takes (kernels.ts CHOLESKY_BLOCK).
const NB: u32 = 32u;
const T: u32 = 16u;

@compute @workgroup_size(64)
fn diagonal(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let c = gid.y * nwg.x * 64u + gid.x;
  if (c >= p.m) { return; }
  let n = p.n;
  let m = p.m;
  let k0 = p.k0;
  let end = k0 + p.nb;
  for (var s = 0u; s < p.nb; s++) {
    var i = k0 + s;
    if (TRANSPOSED) { i = end - 1u - s; }
    var x = b[i * m + c];
    if (TRANSPOSED) {
      for (var k = i + 1u; k < end; k++) { x = fma(-l[k * n + i], b[k * m + c], x); }
    } else {
      for (var k = k0; k < i; k++) { x = fma(-l[i * n + k], b[k * m + c], x); }
    }
    b[i * m + c] = x / l[i * n + i];
  }
}

var<workgroup> lt: array<f32, 512>; // T rows × NB: L[i, k0 + k] (forward) or L[k0 + k, i] (backward)
var<workgroup> yt: array<f32, 512>; // NB × T: the solved rows' values in the tile's columns

@compute @workgroup_size(16, 16)
fn update(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let n = p.n;
  let m = p.m;
  let k0 = p.k0;
  let nb = p.nb;
  // Rows still to solve: [k0 + nb, n) forward, [0, k0) backward.
  var r0 = k0 + nb + wg.y * T;
  var limit = n;
  if (TRANSPOSED) {
    r0 = wg.y * T;
    limit = k0;
  }
  let t = lid.y * T + lid.x;
  for (var e = t; e < T * nb; e += T * T) {
    let r = e / nb;
    let k = e % nb;
    let ri = r0 + r;
    var v = 0.0;
    if (ri < limit) {
      if (TRANSPOSED) { v = l[(k0 + k) * n + ri]; } else { v = l[ri * n + k0 + k]; }
    }
    lt[r * NB + k] = v;
    let kk = e / T;
    let col = wg.x * T + e % T;
    var y = 0.0;
    if (col < m) { y = b[(k0 + kk) * m + col]; }
    yt[kk * T + e % T] = y;
  }
  workgroupBarrier();
  let i = r0 + lid.y;
  let c = wg.x * T + lid.x;
  if (i < limit && c < m) {
    var x = b[i * m + c];
    for (var k = 0u; k < nb; k++) { x = fma(-lt[lid.y * NB + k], yt[k * T + lid.x], x); }
    b[i * m + c] = x;
  }
}
