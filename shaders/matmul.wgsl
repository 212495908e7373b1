// C = op(A) · op(B), fp32, flat row-major. op(A) is M×K: stored [M, K], or [K, M] when TRANS_A.
// op(B) is K×N: stored [K, N], or [N, K] when TRANS_B. Twin: src/engine/linalg/matmul.ts.
//
// Each 16×16 workgroup owns a 64×64 block of C; each invocation accumulates a 4×4 register block.
// K is walked in slabs of 16 staged in workgroup memory. Out-of-range rows/columns/slab entries load
// as 0, so any M, K, N work (not only multiples of the tile) and stores are bounds-checked.

override TRANS_A: bool = false;
override TRANS_B: bool = false;

struct Dims { m: u32, k: u32, n: u32, _pad: u32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

const TM: u32 = 64u;   // rows of C per workgroup
const TN: u32 = 64u;   // columns of C per workgroup
const TK: u32 = 16u;   // depth of one staged slab
const R: u32 = 4u;     // register block edge per invocation
const THREADS: u32 = 256u;

// Slabs stored depth-major: tileA[p * TM + i] = op(A)[row0 + i, p0 + p], tileB[p * TN + j] = op(B)[p0 + p, col0 + j].
var<workgroup> tileA: array<f32, 1024>;
var<workgroup> tileB: array<f32, 1024>;

fn loadA(i: u32, p: u32) -> f32 {
  if (i >= dims.m || p >= dims.k) { return 0.0; }
  if (TRANS_A) { return a[p * dims.m + i]; }
  return a[i * dims.k + p];
}

fn loadB(p: u32, j: u32) -> f32 {
  if (p >= dims.k || j >= dims.n) { return 0.0; }
  if (TRANS_B) { return b[j * dims.k + p]; }
  return b[p * dims.n + j];
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row0 = wg.y * TM;
  let col0 = wg.x * TN;
  let tid = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;

  for (var p0 = 0u; p0 < dims.k; p0 += TK) {
    for (var e = 0u; e < (TM * TK) / THREADS; e++) {
      let idx = tid + e * THREADS;
      // Neighbouring invocations walk the operand's contiguous axis, so global reads coalesce.
      var ia = idx % TM;
      var pa = idx / TM;
      if (!TRANS_A) { ia = idx / TK; pa = idx % TK; }
      tileA[pa * TM + ia] = loadA(row0 + ia, p0 + pa);
      var jb = idx % TN;
      var pb = idx / TN;
      if (TRANS_B) { jb = idx / TK; pb = idx % TK; }
      tileB[pb * TN + jb] = loadB(p0 + pb, col0 + jb);
    }
    workgroupBarrier();
    for (var p = 0u; p < TK; p++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var r = 0u; r < R; r++) {
        av[r] = tileA[p * TM + lid.y * R + r];
        bv[r] = tileB[p * TN + lid.x * R + r];
      }
      for (var r = 0u; r < R; r++) {
        for (var s = 0u; s < R; s++) {
          acc[r * R + s] = fma(av[r], bv[s], acc[r * R + s]);
        }
      }
    }
    workgroupBarrier();
  }

  for (var r = 0u; r < R; r++) {
    let i = row0 + lid.y * R + r;
    if (i >= dims.m) { break; }
    for (var s = 0u; s < R; s++) {
      let j = col0 + lid.x * R + s;
      if (j < dims.n) { c[i * dims.n + j] = acc[r * R + s]; }
    }
  }
}
