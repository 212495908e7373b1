// Blocked triangular solves with the Cholesky factor L [n, n] (lower), in place on B [n, m]
// (docs/design.md, "GPU linear algebra"):
//   TRANSPOSED false: L·Y = B (forward);  TRANSPOSED true: Lᵀ·X = Y (backward).
// Per block of rows [k0, k0 + nb), taken in order (forward) or reverse order (backward), the host
// records `diagonal` (each invocation owns one of the m independent columns and substitutes through
// the block's rows: no barriers) and then `update`, which subtracts the solved block from the rows not
// yet solved (below it forward, above it backward) as a tiled product across many workgroups. With
// nb = n, `diagonal` alone is the whole unblocked solve (the single-workgroup-per-column baseline). Twin: src/engine/linalg/cholesky.ts
// solveLower / solveLowerTransposed.

override TRANSPOSED: bool = false;

struct Params { n: u32, m: u32, k0: u32, nb: u32 }

@group(0) @binding(0) var<storage, read> l: array<f32>;
@group(0) @binding(1) var<storage, read_write> b: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

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

// update: one TS×TS tile of B per workgroup, 4×4 per invocation; the block streamed in KC-row chunks.
const TS: u32 = 64u;
const KC: u32 = 16u;
var<workgroup> lt: array<f32, 1024>; // TS rows × KC: L[i, k0 + k] (forward) or L[k0 + k, i] (backward)
var<workgroup> yt: array<f32, 1024>; // KC × TS: the solved rows' values in the tile's columns

@compute @workgroup_size(16, 16)
fn update(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let n = p.n;
  let m = p.m;
  let k0 = p.k0;
  let nb = p.nb;
  // Rows still to solve: [k0 + nb, n) forward, [0, k0) backward.
  var r0 = k0 + nb + wg.y * TS;
  var limit = n;
  if (TRANSPOSED) {
    r0 = wg.y * TS;
    limit = k0;
  }
  let c0 = wg.x * TS;
  let t = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var kc = 0u; kc < nb; kc += KC) {
    for (var e = t; e < TS * KC; e += 256u) {
      let ri = r0 + e / KC;
      let k = kc + e % KC;
      var v = 0.0;
      if (k < nb && ri < limit) {
        if (TRANSPOSED) { v = l[(k0 + k) * n + ri]; } else { v = l[ri * n + k0 + k]; }
      }
      lt[e] = v;
      let kk = kc + e / TS;
      let col = c0 + e % TS;
      var y = 0.0;
      if (kk < nb && col < m) { y = b[(k0 + kk) * m + col]; }
      yt[e] = y;
    }
    workgroupBarrier();
    for (var k = 0u; k < KC; k++) {
      for (var r = 0u; r < 4u; r++) {
        let x = lt[(lid.y + 16u * r) * KC + k];
        for (var c = 0u; c < 4u; c++) { acc[r * 4u + c] = fma(x, yt[k * TS + lid.x + 16u * c], acc[r * 4u + c]); }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    for (var c = 0u; c < 4u; c++) {
      let i = r0 + lid.y + 16u * r;
      let j = c0 + lid.x + 16u * c;
      if (i < limit && j < m) { b[i * m + j] -= acc[r * 4u + c]; }
    }
  }
}
