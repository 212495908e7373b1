// Blocked right-looking Cholesky A = L·Lᵀ of an SPD n×n matrix, in place (docs/design.md, "GPU linear
// algebra"). For each block column [k0, k0 + nb) the host records, in order:
//   potrf — one workgroup factors the diagonal block (its trailing updates already applied);
//   trsm  — L21 = A21·L11⁻ᵀ, one invocation per row below the block, across many workgroups;
//   syrk  — A22 −= L21·L21ᵀ on the lower triangle, one 64×64 tile per workgroup;
// and finally zeroUpper. With nb = n, potrf alone is the whole single-workgroup factorisation (the
// baseline docs/benchmarks.md times). The lower triangle ends holding L, the upper is zeroed.
// info[0] = 0 on success, else 1 + the first column whose pivot was not > 0 (the factor is then
// garbage). Twin: src/engine/linalg/cholesky.ts.

struct Params { n: u32, k0: u32, nb: u32, _p0: u32 }

@group(0) @binding(0) var<storage, read_write> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> info: array<u32>;
@group(0) @binding(2) var<uniform> p: Params;

const W: u32 = 256u;
// The widest block trsm takes (kernels.ts CHOLESKY_BLOCK).
const NB: u32 = 32u;

@compute @workgroup_size(256)
fn potrf(@builtin(local_invocation_id) lid: vec3u) {
  let n = p.n;
  let end = p.k0 + p.nb;
  let t = lid.x;
  if (t == 0u && p.k0 == 0u) { info[0] = 0u; }
  for (var j = p.k0; j < end; j++) {
    if (t == 0u) {
      let piv = a[j * n + j];
      if (!(piv > 0.0) && info[0] == 0u) { info[0] = j + 1u; }
      a[j * n + j] = sqrt(piv);
    }
    storageBarrier();
    let ljj = a[j * n + j];
    for (var i = j + 1u + t; i < end; i += W) { a[i * n + j] /= ljj; }
    storageBarrier();
    // Update of the block's trailing lower triangle: A[i,k] −= L[i,j]·L[k,j] for j < k ≤ i < end.
    let m = end - j - 1u;
    for (var e = t; e < m * m; e += W) {
      let i = j + 1u + e / m;
      let k = j + 1u + e % m;
      if (k <= i) { a[i * n + k] = fma(-a[i * n + j], a[k * n + j], a[i * n + k]); }
    }
    storageBarrier();
  }
}

var<workgroup> l11: array<f32, NB * NB>;

@compute @workgroup_size(64)
fn trsm(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = p.n;
  let k0 = p.k0;
  let nb = p.nb;
  for (var e = lid.x; e < nb * nb; e += 64u) { l11[e] = a[(k0 + e / nb) * n + k0 + e % nb]; }
  workgroupBarrier();
  let i = k0 + nb + (wg.y * nwg.x + wg.x) * 64u + lid.x;
  if (i >= n) { return; }
  // Row i of L21 solves x·L11ᵀ = a_i, column by column.
  var x: array<f32, NB>;
  for (var j = 0u; j < nb; j++) {
    var s = a[i * n + k0 + j];
    for (var k = 0u; k < j; k++) { s = fma(-x[k], l11[j * nb + k], s); }
    x[j] = s / l11[j * nb + j];
    a[i * n + k0 + j] = x[j];
  }
}

// syrk: one TS×TS output tile per workgroup, 4×4 per invocation; L21 streamed in KC-column chunks.
const TS: u32 = 64u;
const KC: u32 = 16u;
var<workgroup> li: array<f32, 1024>; // TS rows × KC: L21 rows of the tile's rows
var<workgroup> lc: array<f32, 1024>; // TS rows × KC: L21 rows of the tile's columns

@compute @workgroup_size(16, 16)
fn syrk(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // Workgroups enumerate only the lower-triangle tiles (ty ≥ tx): w = ty(ty+1)/2 + tx.
  let w = wg.y * nwg.x + wg.x;
  var ty = u32((sqrt(8.0 * f32(w) + 1.0) - 1.0) * 0.5);
  loop { if ((ty + 1u) * (ty + 2u) / 2u <= w) { ty++; } else { break; } }
  loop { if (ty * (ty + 1u) / 2u > w) { ty--; } else { break; } }
  let tx = w - ty * (ty + 1u) / 2u;
  let n = p.n;
  let k0 = p.k0;
  let nb = p.nb;
  let s0 = k0 + nb;
  if (ty >= (n - s0 + TS - 1u) / TS) { return; } // padding of a split grid
  let rowBase = s0 + ty * TS;
  let colBase = s0 + tx * TS;
  let t = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var kc = 0u; kc < nb; kc += KC) {
    for (var e = t; e < TS * KC; e += 256u) {
      let r = e / KC;
      let k = kc + e % KC;
      var vi = 0.0;
      var vc = 0.0;
      if (k < nb) {
        if (rowBase + r < n) { vi = a[(rowBase + r) * n + k0 + k]; }
        if (colBase + r < n) { vc = a[(colBase + r) * n + k0 + k]; }
      }
      li[e] = vi;
      lc[e] = vc;
    }
    workgroupBarrier();
    for (var k = 0u; k < KC; k++) {
      for (var r = 0u; r < 4u; r++) {
        let x = li[(lid.y + 16u * r) * KC + k];
        for (var c = 0u; c < 4u; c++) { acc[r * 4u + c] = fma(x, lc[(lid.x + 16u * c) * KC + k], acc[r * 4u + c]); }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    for (var c = 0u; c < 4u; c++) {
      let i = rowBase + lid.y + 16u * r;
      let j = colBase + lid.x + 16u * c;
      if (i < n && j <= i) { a[i * n + j] -= acc[r * 4u + c]; }
    }
  }
}

@compute @workgroup_size(256)
fn zeroUpper(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.y * nwg.x * W + gid.x;
  let n = p.n;
  if (e < n * n && e % n > e / n) { a[e] = 0.0; }
}
