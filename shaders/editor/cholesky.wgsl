// Blocked right-looking Cholesky A = L·Lᵀ of an SPD n×n matrix, in place (docs/design.md, "GPU linear
// algebra"). For each block column [k0, k0 + nb) the host records, in order:
//   potrf — one workgroup factors the diagonal block (its trailing updates already applied);
//   trsm  — L21 = A21·L11⁻ᵀ, one invocation per row below the block, across many workgroups;
//   syrk  — A22 −= L21·L21ᵀ on the lower triangle, one 16×16 tile per workgroup;
// and finally zeroUpper. With nb = n, potrf alone is the whole single-workgroup factorisation (the
// baseline docs/benchmarks.md times). The lower triangle ends holding L, the upper is zeroed.
// info[0] = 0 on success, else 1 + the first column whose pivot was not > 0 (the factor is then
// garbage). Twin: src/engine/linalg/cholesky.ts.

struct Params { n: u32, k0: u32, nb: u32, _p0: u32 }

@group(0) @binding(0) var<storage, read_write> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> info: array<u32>;
@group(0) @binding(2) var<uniform> p: Params;

const W: u32 = 256u;
// The widest block trsm and syrk take (kernels.ts CHOLESKY_BLOCK).
const NB: u32 = 32u;
const T: u32 = 16u;

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

var<workgroup> l11: array<f32, 1024>; // NB × NB

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
  var x: array<f32, 32>;
  for (var j = 0u; j < nb; j++) {
    var s = a[i * n + k0 + j];
    for (var k = 0u; k < j; k++) { s = fma(-x[k], l11[j * nb + k], s); }
    x[j] = s / l11[j * nb + j];
    a[i * n + k0 + j] = x[j];
  }
}

var<workgroup> li: array<f32, 512>; // T rows × NB of L21 (the tile's rows)
var<workgroup> lc: array<f32, 512>; // T rows × NB of L21 (the tile's columns)

@compute @workgroup_size(16, 16)
fn syrk(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wg: vec3u) {
  // Tiles strictly above the diagonal have nothing to update (the lower triangle only).
  if (wg.x > wg.y) { return; }
  let n = p.n;
  let k0 = p.k0;
  let nb = p.nb;
  let s0 = k0 + nb;
  let t = lid.y * T + lid.x;
  for (var e = t; e < T * nb; e += T * T) {
    let r = e / nb;
    let k = e % nb;
    let ri = s0 + wg.y * T + r;
    let rc = s0 + wg.x * T + r;
    var vi = 0.0;
    var vc = 0.0;
    if (ri < n) { vi = a[ri * n + k0 + k]; }
    if (rc < n) { vc = a[rc * n + k0 + k]; }
    li[r * NB + k] = vi;
    lc[r * NB + k] = vc;
  }
  workgroupBarrier();
  let i = s0 + wg.y * T + lid.y;
  let c = s0 + wg.x * T + lid.x;
  if (i < n && c <= i) {
    var s = a[i * n + c];
    for (var k = 0u; k < nb; k++) { s = fma(-li[lid.y * NB + k], lc[lid.x * NB + k], s); }
    a[i * n + c] = s;
  }
}

@compute @workgroup_size(256)
fn zeroUpper(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.y * nwg.x * W + gid.x;
  let n = p.n;
  if (e < n * n && e % n > e / n) { a[e] = 0.0; }
}
