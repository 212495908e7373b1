// Symmetric eigensolver for the whitening Σ^{-1/2} = V diag(max(λ, CLAMP))^{-1/2} Vᵀ: cyclic Jacobi in
// parallel (round-robin) order. A sweep is n − 1 rounds; a round pairs all n indices (n = d rounded up
// to even; the pad index is a zero row that never rotates) and applies its n/2 rotations at once:
// `rotations` computes (c, s) per pair, `rotate` applies A ← JᵀAJ and V ← VJ, one thread per 2×2 block.
// `check` ends a sweep: when no rotation was needed it zeroes the indirect dispatch arguments, so the
// remaining rounds launch no workgroups. Twin: src/engine/linalg/inverse-sqrt.ts (float64 eigh).
//
// Precision: WGSL has no f64. A is kept as an unevaluated sum hi + lo of two f32 (≈ 48-bit mantissa,
// Dekker/Knuth error-free transformations, no FMA needed) so a rotation perturbs an entry by ≈ 1e-14 of
// the row's scale, not 6e-8: what keeps eigenvalues at 1e-8·λmax accurate to ≈ 1e-5 relative. c and s
// are f32; the rotation actually applied is then orthogonal only to ≈ 6e-8, which is a congruence that
// rescales eigenvalues relatively (harmless near 1e-8·λmax) and cancels in V diag(λ^{-1/2}) Vᵀ.
// V (the eigenvectors, column j of row-major [n, n]) is f32.

override CLAMP: f32 = 1e-6;
// A pair is left alone when the rotation would be below f32 resolution of an angle or its coupling is
// far below anything the clamped whitening can see.
const ANGLE_FLOOR: f32 = 1e-8;

struct Params { n: u32, d: u32, scale: f32, _p0: u32 }

@group(0) @binding(0) var<storage, read> cov: array<f32>;
@group(0) @binding(1) var<storage, read_write> aHi: array<f32>;
@group(0) @binding(2) var<storage, read_write> aLo: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> rot: array<vec4f>;
// state: [0] rotations this sweep, [1] rounds done, [2] sweeps that rotated, [3] unused.
@group(0) @binding(5) var<storage, read_write> state: array<atomic<u32>, 4>;
// Indirect arguments: [0..3) `rotations`, [4..7) `rotate`.
@group(0) @binding(6) var<storage, read_write> args: array<u32, 8>;
@group(0) @binding(7) var<storage, read_write> tHi: array<f32>;
@group(0) @binding(8) var<storage, read_write> tLo: array<f32>;
@group(0) @binding(9) var<storage, read_write> w: array<f32>;
@group(0) @binding(10) var<storage, read_write> vd: array<f32>;
@group(0) @binding(11) var<storage, read_write> eig: array<f32>;
@group(0) @binding(12) var<uniform> p: Params;
@group(0) @binding(13) var<storage, read_write> colNorm: array<f32>;

// ---- double-f32 arithmetic: x = (hi, lo), |lo| ≤ ulp(hi)/2 -------------------------------------------

fn twoSum(a: f32, b: f32) -> vec2f {
  let s = a + b;
  let bb = s - a;
  return vec2f(s, (a - (s - bb)) + (b - bb));
}

fn quickTwoSum(a: f32, b: f32) -> vec2f {
  let s = a + b;
  return vec2f(s, b - (s - a));
}

fn split(a: f32) -> vec2f {
  let t = 4097.0 * a;
  let hi = t - (t - a);
  return vec2f(hi, a - hi);
}

fn twoProd(a: f32, b: f32) -> vec2f {
  let x = a * b;
  let sa = split(a);
  let sb = split(b);
  return vec2f(x, ((sa.x * sb.x - x) + sa.x * sb.y + sa.y * sb.x) + sa.y * sb.y);
}

fn dfAdd(a: vec2f, b: vec2f) -> vec2f {
  var s = twoSum(a.x, b.x);
  let t = twoSum(a.y, b.y);
  s.y += t.x;
  s = quickTwoSum(s.x, s.y);
  s.y += t.y;
  return quickTwoSum(s.x, s.y);
}

fn dfMul(a: vec2f, b: f32) -> vec2f {
  var x = twoProd(a.x, b);
  x.y += a.y * b;
  return quickTwoSum(x.x, x.y);
}

fn loadA(i: u32, j: u32) -> vec2f {
  return vec2f(aHi[i * p.n + j], aLo[i * p.n + j]);
}

fn storeA(i: u32, j: u32, x: vec2f) {
  aHi[i * p.n + j] = x.x;
  aLo[i * p.n + j] = x.y;
}

// ---- start: A = scale·Σ exactly (hi + lo of each product), V = I; or warm, A = Vᵀ(scale·Σ)V ---------

@compute @workgroup_size(8, 8)
fn coldStart(@builtin(global_invocation_id) g: vec3u) {
  let i = g.y;
  let j = g.x;
  if (i >= p.n || j >= p.n) { return; }
  var x = vec2f(0.0);
  if (i < p.d && j < p.d) { x = twoProd(cov[i * p.d + j], p.scale); }
  storeA(i, j, x);
  v[i * p.n + j] = select(0.0, 1.0, i == j);
}

// Re-orthonormalization of the kept basis before a warm start, one Newton–Schulz polar step
// V ← V·(3I − VᵀV)/2: this writes H = (3I − VᵀV)/2 into tHi, VᵀV summed in double-f32 (the f32 rounding
// of every turn's rotations would otherwise accumulate in V from turn to turn); the product is a matmul.
@compute @workgroup_size(8, 8)
fn polar(@builtin(global_invocation_id) g: vec3u) {
  let i = g.y;
  let j = g.x;
  if (i >= p.n || j >= p.n) { return; }
  var acc = vec2f(0.0);
  for (var k = 0u; k < p.n; k++) { acc = dfAdd(acc, twoProd(v[k * p.n + i], v[k * p.n + j])); }
  tHi[i * p.n + j] = select(0.0, 1.5, i == j) - 0.5 * (acc.x + acc.y);
}

// T = (scale·Σ)·V over the first d rows, in double-f32.
@compute @workgroup_size(8, 8)
fn warmSigmaV(@builtin(global_invocation_id) g: vec3u) {
  let i = g.y;
  let j = g.x;
  if (i >= p.n || j >= p.n) { return; }
  var acc = vec2f(0.0);
  if (i < p.d) {
    for (var k = 0u; k < p.d; k++) { acc = dfAdd(acc, twoProd(cov[i * p.d + k], v[k * p.n + j])); }
  }
  let t = dfMul(acc, p.scale);
  tHi[i * p.n + j] = t.x;
  tLo[i * p.n + j] = t.y;
}

// A = Vᵀ·T, in double-f32.
@compute @workgroup_size(8, 8)
fn warmVtT(@builtin(global_invocation_id) g: vec3u) {
  let i = g.y;
  let j = g.x;
  if (i >= p.n || j >= p.n) { return; }
  var acc = vec2f(0.0);
  for (var k = 0u; k < p.d; k++) { acc = dfAdd(acc, dfMul(vec2f(tHi[k * p.n + j], tLo[k * p.n + j]), v[k * p.n + i])); }
  storeA(i, j, acc);
}

// ---- one round -------------------------------------------------------------------------------------

// Round r of the circle method: index n − 1 stays, the others turn; pair k of round r.
fn pairOf(k: u32, r: u32) -> vec2u {
  let m = p.n - 1u;
  if (k == 0u) { return vec2u(r, m); }
  return vec2u((r + k) % m, (r + m - k) % m);
}

@compute @workgroup_size(64)
fn rotations(@builtin(global_invocation_id) g: vec3u) {
  let k = g.x;
  if (k >= p.n / 2u) { return; }
  let pq = pairOf(k, atomicLoad(&state[1]) % (p.n - 1u));
  let i = pq.x;
  let j = pq.y;
  let apq = loadA(i, j);
  var c = 1.0;
  var s = 0.0;
  let off = apq.x + apq.y;
  if (abs(off) > CLAMP * 1e-6) {
    // θ = (a_jj − a_ii) / 2a_ij with the difference taken in double-f32 (a_ii ≈ a_jj is the common case).
    let diff = dfAdd(loadA(j, j), -loadA(i, i));
    let theta = (diff.x + diff.y) / (2.0 * off);
    var t = 0.5 / theta;
    if (abs(theta) < 1e18) { t = select(-1.0, 1.0, theta >= 0.0) / (abs(theta) + sqrt(theta * theta + 1.0)); }
    if (abs(t) > ANGLE_FLOOR) {
      c = inverseSqrt(t * t + 1.0);
      s = t * c;
      atomicAdd(&state[0], 1u);
    }
  }
  rot[k] = vec4f(bitcast<f32>(i), bitcast<f32>(j), c, s);
}

// Thread (k, l): block rows (p_k, q_k) × columns (p_l, q_l) of A ← J_kᵀ A J_l, and V rows (p_k, q_k)
// × columns (p_l, q_l) of V ← V J_l. Every entry of A and V belongs to exactly one thread: in place.
@compute @workgroup_size(8, 8)
fn rotate(@builtin(global_invocation_id) g: vec3u) {
  let k = g.y;
  let l = g.x;
  let half = p.n / 2u;
  if (k >= half || l >= half) { return; }
  if (k == 0u && l == 0u) { atomicAdd(&state[1], 1u); }
  let rk = rot[k];
  let rl = rot[l];
  if (rk.w == 0.0 && rl.w == 0.0) { return; }
  let P = bitcast<u32>(rk.x);
  let Q = bitcast<u32>(rk.y);
  let pl = bitcast<u32>(rl.x);
  let ql = bitcast<u32>(rl.y);
  let ck = rk.z;
  let sk = rk.w;
  let cl = rl.z;
  let sl = rl.w;
  // Columns first: x = A·J_l on rows P and Q.
  let aPp = loadA(P, pl);
  let aPq = loadA(P, ql);
  let aQp = loadA(Q, pl);
  let aQq = loadA(Q, ql);
  let xPp = dfAdd(dfMul(aPp, cl), dfMul(aPq, -sl));
  let xPq = dfAdd(dfMul(aPp, sl), dfMul(aPq, cl));
  let xQp = dfAdd(dfMul(aQp, cl), dfMul(aQq, -sl));
  let xQq = dfAdd(dfMul(aQp, sl), dfMul(aQq, cl));
  // Then rows: J_kᵀ·x.
  storeA(P, pl, dfAdd(dfMul(xPp, ck), dfMul(xQp, -sk)));
  storeA(Q, pl, dfAdd(dfMul(xPp, sk), dfMul(xQp, ck)));
  storeA(P, ql, dfAdd(dfMul(xPq, ck), dfMul(xQq, -sk)));
  storeA(Q, ql, dfAdd(dfMul(xPq, sk), dfMul(xQq, ck)));
  for (var h = 0u; h < 2u; h++) {
    let row = select(Q, P, h == 0u) * p.n;
    let vp = v[row + pl];
    let vq = v[row + ql];
    v[row + pl] = cl * vp - sl * vq;
    v[row + ql] = sl * vp + cl * vq;
  }
}

@compute @workgroup_size(1)
fn check() {
  if (atomicLoad(&state[0]) == 0u) {
    for (var i = 0u; i < 8u; i++) { args[i] = 0u; }
  } else {
    atomicAdd(&state[2], 1u);
  }
  atomicStore(&state[0], 0u);
}

// ---- result: λ_j, W = U·diag(max(λ, CLAMP))^{-1/2} and U, both d×d (then Σ^{-1/2} = W·Uᵀ by matmul) --
// The applied rotations are orthogonal only to f32 precision, so column j of V has drifted to a length
// ‖v_j‖ ≠ 1 and A's diagonal holds ‖v_j‖²·λ_j: U = V's columns normalized and λ_j = a_jj/‖v_j‖². (Without
// this, eigenvalues under the clamp, whose max(λ, CLAMP) ignores the drift, carry it into Σ^{-1/2}.)

@compute @workgroup_size(64)
fn norms(@builtin(global_invocation_id) g: vec3u) {
  let j = g.x;
  if (j >= p.d) { return; }
  var acc = vec2f(0.0);
  for (var k = 0u; k < p.d; k++) { acc = dfAdd(acc, twoProd(v[k * p.n + j], v[k * p.n + j])); }
  colNorm[j] = acc.x + acc.y;
}

@compute @workgroup_size(8, 8)
fn finish(@builtin(global_invocation_id) g: vec3u) {
  let i = g.y;
  let j = g.x;
  if (i >= p.d || j >= p.d) { return; }
  let norm2 = colNorm[j];
  let lambda = (aHi[j * p.n + j] + aLo[j * p.n + j]) / norm2;
  let x = v[i * p.n + j] * inverseSqrt(norm2);
  w[i * p.d + j] = x * inverseSqrt(max(lambda, CLAMP));
  vd[i * p.d + j] = x;
  if (i == 0u) { eig[j] = lambda; }
}
