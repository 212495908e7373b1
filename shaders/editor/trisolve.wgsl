// Triangular solves with the Cholesky factor L [n, n] (lower), in place on B [n, m]:
//   TRANSPOSED false: L·Y = B (forward);  TRANSPOSED true: Lᵀ·X = Y (backward).
// The m right-hand-side columns are independent, so each invocation owns one column and walks the
// rows in order: no barriers. Twin: src/engine/linalg/cholesky.ts solveLower / solveLowerTransposed.

override TRANSPOSED: bool = false;

struct Params { n: u32, m: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> l: array<f32>;
@group(0) @binding(1) var<storage, read_write> b: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let c = gid.y * nwg.x * 64u + gid.x;
  if (c >= p.m) { return; }
  let n = p.n;
  let m = p.m;
  for (var s = 0u; s < n; s++) {
    var i = s;
    if (TRANSPOSED) { i = n - 1u - s; }
    var x = b[i * m + c];
    if (TRANSPOSED) {
      for (var k = i + 1u; k < n; k++) { x = fma(-l[k * n + i], b[k * m + c], x); }
    } else {
      for (var k = 0u; k < i; k++) { x = fma(-l[i * n + k], b[k * m + c], x); }
    }
    b[i * m + c] = x / l[i * n + i];
  }
}
