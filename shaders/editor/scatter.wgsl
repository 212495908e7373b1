// Value-gradient scatter merge, in place on S [d, d]:
//   S += Σ_r (g_r − ḡ_b)(g_r − ḡ_b)ᵀ + coef·δδᵀ,   coef = n·B/n'
// Twin: src/engine/editors/normalizers/whitened-plan.ts mergeScatter. The batch is centred on its own
// mean before the products (Chan: each batch centred first), so S never sees the raw offset.
// Each 16×16 workgroup owns a 16×16 block of S and stages 16 centred rows of both column ranges.
// Both triangles are computed: fma is commutative, so S stays bit-exactly symmetric.

struct Params { rows: u32, d: u32, coef: f32, _p0: u32 }

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> batchMean: array<f32>;
@group(0) @binding(2) var<storage, read> delta: array<f32>;
@group(0) @binding(3) var<storage, read_write> s: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

const T: u32 = 16u;
var<workgroup> tileI: array<f32, 256>;  // tileI[r * T + a] = centred g[r0 + r, i0 + a]
var<workgroup> tileJ: array<f32, 256>;

fn centred(r: u32, c: u32) -> f32 {
  if (r >= p.rows || c >= p.d) { return 0.0; }
  return g[r * p.d + c] - batchMean[c];
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i0 = wg.y * T;
  let j0 = wg.x * T;
  var acc = 0.0;
  for (var r0 = 0u; r0 < p.rows; r0 += T) {
    tileI[lid.y * T + lid.x] = centred(r0 + lid.y, i0 + lid.x);
    tileJ[lid.y * T + lid.x] = centred(r0 + lid.y, j0 + lid.x);
    workgroupBarrier();
    for (var r = 0u; r < T; r++) {
      acc = fma(tileI[r * T + lid.y], tileJ[r * T + lid.x], acc);
    }
    workgroupBarrier();
  }
  let i = i0 + lid.y;
  let j = j0 + lid.x;
  if (i < p.d && j < p.d) {
    // coef·(δᵢδⱼ), not (coef·δᵢ)·δⱼ: the product must commute for S to stay symmetric.
    s[i * p.d + j] += acc + p.coef * (delta[i] * delta[j]);
  }
}
