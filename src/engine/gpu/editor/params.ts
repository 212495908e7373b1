/**
 * The uniform parameter block of every kernel, declared once as the field list of its WGSL struct
 * (every field 4 bytes; names starting with `_` are padding to 16 bytes) and packed by field name, so
 * an argument cannot land in the wrong slot. params.test.ts parses each shader's struct and checks it
 * against this table.
 */
type Field = `${string}:${'u32' | 'f32'}`;

export const PARAM_LAYOUTS = {
  matmul: ['m:u32', 'k:u32', 'n:u32', '_pad:u32'],
  moments: ['n:u32', 'd:u32', '_pad0:u32', '_pad1:u32'],
  'editor/add-diagonal': ['n:u32', '_p0:u32', '_p1:u32', '_p2:u32', 'lambda:f32', '_p3:u32', '_p4:u32', '_p5:u32'],
  'editor/centre-rows': ['rows:u32', 'd:u32', 'offset:u32', '_p0:u32'],
  'editor/chan-merge': ['d:u32', 'offset:u32', 'nOld:f32', 'rows:f32', 'denom:f32', '_p0:u32', '_p1:u32', '_p2:u32'],
  'editor/cholesky': ['n:u32', 'k0:u32', 'nb:u32', '_p0:u32'],
  'editor/jacobi': ['n:u32', 'd:u32', 'scale:f32', '_p0:u32'],
  'editor/scale': ['len:u32', '_p0:u32', '_p1:u32', '_p2:u32', 's:f32', '_p3:u32', '_p4:u32', '_p5:u32'],
  'editor/scatter': ['rows:u32', 'd:u32', 'coef:f32', '_p0:u32'],
  'editor/trisolve': ['n:u32', 'm:u32', 'k0:u32', 'nb:u32'],
  'editor/values': ['rows:u32', 'dIn:u32', 'dOut:u32', '_p0:u32', 'n:f32', 'lr:f32', 'eps:f32', '_p1:u32'],
} as const satisfies Record<string, readonly Field[]>;

export type ParamShader = keyof typeof PARAM_LAYOUTS;

type Named<F> = F extends `_${string}` ? never : F extends `${infer N}:${string}` ? N : never;
export type ParamValues<S extends ParamShader> = Record<Named<(typeof PARAM_LAYOUTS)[S][number]>, number>;

/** The bytes of shader `s`'s parameter block. */
export function packParams<S extends ParamShader>(s: S, values: ParamValues<S>): ArrayBuffer {
  const fields = PARAM_LAYOUTS[s] as readonly Field[];
  const data = new ArrayBuffer(Math.ceil(fields.length / 4) * 16);
  const view = new DataView(data);
  const given = values as Record<string, number>;
  fields.forEach((field, i) => {
    const [name, type] = field.split(':');
    if (name.startsWith('_')) return;
    const v = given[name];
    if (v === undefined) throw new Error(`${s} parameters: no value for ${name}`);
    if (type === 'u32') view.setUint32(i * 4, v, true);
    else view.setFloat32(i * 4, v, true);
  });
  return data;
}
