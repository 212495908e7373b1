// In-place Cholesky A = L·Lᵀ of an SPD n×n matrix (right-looking, one workgroup: the simple correct
// version; n is the turn's row count in the dual ridge solve). On return the lower triangle holds L
// and the upper triangle is zero. info[0] = 0 on success, else 1 + the first column whose pivot was
// not > 0 (the factor is then garbage). Twin: src/engine/linalg/cholesky.ts.

struct Params { n: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read_write> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> info: array<u32>;
@group(0) @binding(2) var<uniform> p: Params;

const W: u32 = 256u;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  let n = p.n;
  let t = lid.x;
  if (t == 0u) { info[0] = 0u; }
  for (var j = 0u; j < n; j++) {
    if (t == 0u) {
      let piv = a[j * n + j];
      if (!(piv > 0.0) && info[0] == 0u) { info[0] = j + 1u; }
      a[j * n + j] = sqrt(piv);
    }
    storageBarrier();
    let ljj = a[j * n + j];
    for (var i = j + 1u + t; i < n; i += W) { a[i * n + j] /= ljj; }
    storageBarrier();
    // Trailing update of the lower triangle: A[i,k] −= L[i,j]·L[k,j] for j < k ≤ i.
    let m = n - j - 1u;
    for (var e = t; e < m * m; e += W) {
      let i = j + 1u + e / m;
      let k = j + 1u + e % m;
      if (k <= i) { a[i * n + k] = fma(-a[i * n + j], a[k * n + j], a[i * n + k]); }
    }
    storageBarrier();
  }
  for (var e = t; e < n * n; e += W) {
    if (e % n > e / n) { a[e] = 0.0; }
  }
}
