// SPDX-License-Identifier: MIT
/**
 * A minimal WebAssembly binary writer, enough to emit small numeric kernels (one imported memory,
 * functions over i32/f64/v128 locals) from TypeScript without a WAT assembler. Opcodes are named
 * so a kernel reads like its WAT text; see lif/wasm.ts for a kernel written with it.
 */

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** Opcodes used by our kernels (core spec + fixed-width SIMD, prefix 0xfd); add more as needed. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  return: [0x0f],
  br: (d: number) => [0x0c, ...uleb(d)],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f64Load: (offset = 0) => [0x2b, 3, ...uleb(offset)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  i32Store: (offset = 0) => [0x36, 2, ...uleb(offset)],
  call: (f: number) => [0x10, ...uleb(f)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  f32Const: (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)],
  f64Const: (v: number) => [0x44, ...f64Bytes(v)],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  f32Ne: [0x5c],
  f32Gt: [0x5e],
  select: [0x1b],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  f32Add: [0x92],
  f32Sqrt: [0x91],
  f32Mul: [0x94],
  f32Div: [0x95],
  v128Load: (offset = 0) => [0xfd, 0x00, 4, ...uleb(offset)],
  v128Store: (offset = 0) => [0xfd, 0x0b, 4, ...uleb(offset)],
  f32x4Splat: [0xfd, 0x13],
  i32x4Splat: [0xfd, 0x11],
  f64x2Splat: [0xfd, 0x14],
  f32x4ExtractLane: (lane: number) => [0xfd, 0x1f, lane],
  f64x2Gt: [0xfd, 0x4a],
  i64x2Bitmask: [0xfd, 0xc4, 0x01],
  f32x4Sqrt: [0xfd, 0xe3, 0x01],
  f32x4Add: [0xfd, 0xe4, 0x01],
  f32x4Sub: [0xfd, 0xe5, 0x01],
  f32x4Mul: [0xfd, 0xe6, 0x01],
  f32x4Div: [0xfd, 0xe7, 0x01],
  f64x2Add: [0xfd, 0xf0, 0x01],
  f64x2Sub: [0xfd, 0xf1, 0x01],
  f64x2Mul: [0xfd, 0xf2, 0x01],
} as const;

export interface WasmFunction {
  name: string;
  params: number[];
  results: number[];
  /** Extra locals after the params, in order. */
  locals: number[];
  body: number[];
}

/**
 * A module importing `env.memory` and exporting the given functions. With `sharedMaxPages` the
 * memory is imported as shared with that maximum (a shared memory keeps every view valid when it
 * grows; an unshared one detaches them).
 */
export function wasmModule(functions: WasmFunction[], sharedMaxPages?: number): Uint8Array<ArrayBuffer> {
  const types = section(1, vec(functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))])));
  const limits = sharedMaxPages === undefined ? [0x00, 0x01] : [0x03, 0x01, ...uleb(sharedMaxPages)];
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]]));
  const funcs = section(3, vec(functions.map((_, i) => uleb(i))));
  const exports = section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])));
  const code = section(
    10,
    vec(
      functions.map((f) => {
        const locals = vec(f.locals.map((t) => [1, t]));
        const body = [...locals, ...f.body, 0x0b];
        return [...uleb(body.length), ...body];
      }),
    ),
  );
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}

/** True when this runtime validates a module that uses fixed-width SIMD. */
export function simdAvailable(): boolean {
  const probe = wasmModule([{ name: 'f', params: [], results: [], locals: [V128], body: [...op.f64Const(0), ...op.f64x2Splat, ...op.localSet(0)] }]);
  try {
    return WebAssembly.validate(probe);
  } catch {
    return false;
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function f64Bytes(v: number): number[] {
  return [...new Uint8Array(Float64Array.of(v).buffer)];
}
