// Just enough of the WebAssembly binary format to write one module by hand: i32 code, one
// imported memory, exported functions. The keyword walk (wasmWalk.ts) is generated with its
// automaton's constants baked in; a toolchain and a checked-in binary would buy nothing here.

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32.const immediates). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(text: string): number[] {
  const out = uleb(text.length);
  for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i));
  return out;
}

/** Appends `bytes` to `out` (a loop: a spread of a large body would go through the stack, and runs slowly unoptimised at start-up). */
function append(out: number[], bytes: readonly number[]): number[] {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
  return out;
}

function vector(items: readonly (readonly number[])[]): number[] {
  const out = uleb(items.length);
  for (const item of items) append(out, item);
  return out;
}

function section(id: number, body: readonly number[]): number[] {
  return append(append([id], uleb(body.length)), body);
}

const I32 = 0x7f;

/** The instructions the walk uses (i32 only; loads and stores take a constant byte offset). */
export const op = {
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  const: (value: number) => [0x41, ...sleb(value)],
  load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  load16: (offset = 0) => [0x2f, 1, ...uleb(offset)],
  store: (offset = 0) => [0x36, 2, ...uleb(offset)],
  tee: (local: number) => [0x22, ...uleb(local)],
  add: [0x6a],
  mul: [0x6c],
  and: [0x71],
  or: [0x72],
  xor: [0x73],
  shl: [0x74],
  shrU: [0x76],
  geS: [0x4e],
  geU: [0x4f],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
} as const;

export interface WasmFunction {
  name: string;
  params: number;
  /** Extra i32 locals, numbered after the params. */
  locals: number;
  /** The body's instructions, without the final `end`. */
  code: readonly number[];
}

/** A module importing `env.memory` (at least `pages` 64 KiB pages) and exporting `functions` (i32 params, no results). */
export function wasmModule(pages: number, functions: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = section(1, vector(functions.map((f) => append(append([0x60], vector(Array.from({ length: f.params }, () => [I32]))), [0]))));
  const imports = section(2, vector([append(append(name('env'), name('memory')), [0x02, 0x00, ...uleb(pages)])]));
  const declared = section(3, vector(functions.map((_, i) => uleb(i))));
  const exported = section(7, vector(functions.map((f, i) => append(name(f.name), [0x00, ...uleb(i)]))));
  const bodies = section(
    10,
    vector(
      functions.map((f) => {
        const body = append(append(vector(f.locals > 0 ? [[...uleb(f.locals), I32]] : []), f.code), op.end);
        return append(uleb(body.length), body);
      }),
    ),
  );
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const part of [types, imports, declared, exported, bodies]) append(out, part);
  return new Uint8Array(out);
}
