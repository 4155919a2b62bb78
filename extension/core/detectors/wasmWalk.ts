// The keyword walk of keywordAutomaton.ts, step for step, as WebAssembly generated for its
// automaton. Why: the walk is a chain of dependent table loads, and V8's JavaScript version
// pays per char for what WebAssembly does not have (a string's type and bounds checks, typed
// array bounds checks): over 20 MB of code it takes about half the JavaScript walk's time,
// copying each block's code units into memory included. A short-lived `airlock scan` gains more:
// WebAssembly runs compiled from the first block, where the JavaScript walk spends its first
// 100-odd ms in V8's unoptimised tiers.
//
// It gives exactly what the JavaScript walk gives (the same table, the same emits, the same run
// events; keywordAutomaton.test.ts holds both walks to a naive search on every path), and the
// JavaScript walk stays for where this cannot run: no WebAssembly (V8 with --jitless), no Node
// Buffer#ucs2Write (the only fast way to copy a string's code units into memory), or a table too
// large for 32-bit addresses.
//
// Memory: the automaton's table with every cell times 4 (cells are then byte addresses: a step is
// `row = load(row + load(char * 4))`, no shift), the block's code units of each stream, and the
// block's emits and run events, which the caller's lists get copied into after each block.
import type { KeywordAutomaton } from './keywordAutomaton';
import { op, wasmModule, type WasmFunction } from './wasmModule';
import * as walkRegisters from './walkRegisters';

// Copied into constants of this module (an imported binding is a getter under CommonJS interop).
const { AT, FULL, GROUP, MAX_STREAMS, PAIR, REGS, ROW, RUN_AT } = walkRegisters;

/** What the walk of one block writes: the caller's lists (one per stream) and scalars. */
export interface WalkTarget {
  outs: Int32Array[];
  runOut: Int32Array;
  regs: Int32Array;
}

export interface WasmWalk {
  /**
   * As walkTwoWithRuns (walkTwoKeywords with no run set), for `target.outs.length` streams (1, 2
   * or 4): stream k walks text[k * part + from, k * part + to), `to - from` a multiple of GROUP
   * and at most `block`.
   */
  walk(text: string, from: number, to: number, part: number, target: WalkTarget): void;
  readonly block: number;
}
/** How a string's code units get into memory: Node's Buffer (a copy at memory speed). */
interface CodeUnitWriter {
  ucs2Write?(text: string, offset: number): number;
}
type BufferLike = { from(buffer: ArrayBuffer): CodeUnitWriter; prototype: CodeUnitWriter };
/** The part of the WebAssembly JS API used here (core's lib declares no WebAssembly types). */
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

let enabled = true;

/** Turns the WebAssembly walk off or on (tests and the bench compare the two walks). */
export function useWasmWalk(on: boolean): void {
  enabled = on;
}

const walks = new WeakMap<KeywordAutomaton, WasmWalk | null>();

/** The automaton's WebAssembly walk, made on first use; undefined where it cannot run. */
export function wasmWalkFor(automaton: KeywordAutomaton, block: number): WasmWalk | undefined {
  if (!enabled) return undefined;
  let walk = walks.get(automaton);
  if (walk === undefined) {
    try {
      walk = makeWalk(automaton, block);
    } catch {
      // No WebAssembly here (or it refused the module, or no memory for it): the JavaScript walk
      // finds the same, and is kept for this automaton (asking again per text would cost more).
      walk = null;
    }
    walks.set(automaton, walk);
  }
  return walk && walk.block === block ? walk : undefined;
}

function makeWalk(automaton: KeywordAutomaton, block: number): WasmWalk | null {
  const host = globalThis as unknown as { Buffer?: BufferLike; WebAssembly?: WasmApi };
  const NodeBuffer = host.Buffer;
  const wasm = host.WebAssembly;
  if (wasm === undefined || typeof NodeBuffer?.prototype.ucs2Write !== 'function') return null;
  const { table, runBit, emitFrom } = automaton;
  const layout = memoryLayout(table.length, block);
  // Addresses, rows times 4 and emitFrom times 4 are signed 32-bit values in the kernel and in
  // the scalars handed back (a table of about 2 GiB: some 150,000 long custom keywords).
  if (layout.regs + 4 * REGS > 2 ** 31 - 1) return null;
  const memory = new wasm.Memory({ initial: layout.pages, maximum: layout.pages });
  const counts = [1, 2, 4] as const;
  const kernels = [...counts.map((count) => kernel(count, layout, emitFrom * 4, runBit * 4)), times4()];
  const instance = new wasm.Instance(new wasm.Module(wasmModule(layout.pages, kernels)), { env: { memory } });
  const ints = new Int32Array(memory.buffer);
  ints.set(table);
  (instance.exports['times4'] as (ints: number) => void)(table.length);
  const units = NodeBuffer!.from(memory.buffer) as Required<CodeUnitWriter>;
  const runs = counts.map((count) => instance.exports[`walk${count}`] as (p: number, end: number, at: number, part: number) => void);
  const regsAt = layout.regs >> 2;
  const scalars = Array.from({ length: MAX_STREAMS }, (_, k) => [ROW(k), FULL(k), PAIR(k)]).flat();
  return {
    block,
    walk(text, from, to, part, target) {
      const { regs, outs } = target;
      const count = outs.length;
      for (let k = 0; k < count; k++) units.ucs2Write(text.substring(k * part + from, k * part + to), layout.text + 2 * block * k);
      for (const k of scalars) ints[regsAt + k] = regs[k]! * 4;
      for (let k = 0; k < count; k++) ints[regsAt + AT(k)] = layout.outs + 8 * block * k;
      ints[regsAt + RUN_AT] = layout.runs;
      runs[count === 4 ? 2 : count - 1]!(layout.text, layout.text + 2 * (to - from), from, part);
      for (const k of scalars) regs[k] = ints[regsAt + k]! >> 2;
      for (let k = 0; k < count; k++) regs[AT(k)] = copyOut(ints, layout.outs + 8 * block * k, ints[regsAt + AT(k)]!, outs[k]!, regs[AT(k)]!);
      regs[RUN_AT] = copyOut(ints, layout.runs, ints[regsAt + RUN_AT]!, target.runOut, regs[RUN_AT]!);
    },
  };
}

/** Ints from memory [from, to) (byte addresses) into `out` at `at`; returns the next free index. */
function copyOut(ints: Int32Array, from: number, to: number, out: Int32Array, at: number): number {
  const count = (to - from) >> 2;
  if (count > 0) out.set(ints.subarray(from >> 2, to >> 2), at);
  return at + count;
}

interface MemoryLayout {
  /** Byte addresses: the block's code units of stream k at text + 2 * block * k, its emits at outs + 8 * block * k; the run events; the scalars. */
  text: number;
  outs: number;
  runs: number;
  regs: number;
  blockChars: number;
  pages: number;
}

function memoryLayout(tableInts: number, block: number): MemoryLayout {
  const text = align(tableInts * 4);
  const outs = text + 2 * block * MAX_STREAMS;
  const runs = outs + 8 * block * MAX_STREAMS; // an emit per char at worst: (end, row)
  const regs = runs + 4 * ((MAX_STREAMS * block) / GROUP + 2);
  return { text, outs, runs, regs, blockChars: block, pages: Math.ceil((regs + 4 * REGS) / 65536) };
}

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

// The kernel's params (P: byte address of stream 0's char; stream k's is P + 2 * block * k),
// then its locals: per stream a row, a class, the group's AND, the last group's and pair's run
// state and a write position; the run events' write position; a scratch.
const P = 0;
const END = 1; // where stream 0's block ends
const POS = 2; // text offset of stream 0's char
const PART = 3; // stream k's text offset is POS + k * PART
const LOCAL = (what: number, k: number) => 4 + what * MAX_STREAMS + k;
const [ROW_L, CLASS_L, ALL_L, FULL_L, PAIR_L, OUT_L] = [0, 1, 2, 3, 4, 5];
const OUT_RUN = 4 + 6 * MAX_STREAMS;
const NOW = OUT_RUN + 1;

/**
 * walkOneWithRuns / walkTwoWithRuns of keywordAutomaton.ts for `count` streams over code units in
 * memory (run code left out with no run set: runBit 0). Emits are stored as (end, row), rows
 * divided back by 4.
 */
function kernel(count: number, layout: MemoryLayout, emitFrom4: number, runBit4: number): WasmFunction {
  const code: number[] = [];
  const emit = (...parts: (readonly number[])[]) => {
    for (const part of parts) code.push(...part);
  };
  const streams = Array.from({ length: count }, (_, k) => k);
  const local = (what: number) => (k: number) => LOCAL(what, k);
  const [row, cls, all, full, pair, out] = [ROW_L, CLASS_L, ALL_L, FULL_L, PAIR_L, OUT_L].map(local) as [(k: number) => number, (k: number) => number, (k: number) => number, (k: number) => number, (k: number) => number, (k: number) => number];
  const regs = (index: number) => 4 * index;
  for (const k of streams) emit(op.const(layout.regs), op.load(regs(ROW(k))), op.set(row(k)), op.const(layout.regs), op.load(regs(FULL(k))), op.set(full(k)), op.const(layout.regs), op.load(regs(PAIR(k))), op.set(pair(k)), op.const(layout.regs), op.load(regs(AT(k))), op.set(out(k)));
  emit(op.const(layout.regs), op.load(regs(RUN_AT)), op.set(OUT_RUN));
  /** Text offset of stream k's char at POS + plus. */
  const offset = (k: number, plus: number) => [...op.get(POS), ...(k > 0 ? [...op.get(PART), ...op.const(k), ...op.mul, ...op.add] : []), ...op.const(plus), ...op.add];

  emit(op.block, op.loop, op.get(P), op.get(END), op.geU, op.brIf(1));
  if (runBit4 !== 0) for (const k of streams) emit(op.const(runBit4), op.set(all(k)));
  for (let g = 0; g < GROUP; g++) {
    for (const k of streams) emit(op.get(P), op.load16(2 * layout.blockChars * k + 2 * g), op.const(2), op.shl, op.load(), op.set(cls(k)));
    for (const k of streams) emit(op.get(row(k)), op.get(cls(k)), op.add, op.load(), op.set(row(k)));
    if (runBit4 !== 0) for (const k of streams) emit(op.get(all(k)), op.get(cls(k)), op.and, op.set(all(k)));
    // Any stream's row >= emitFrom whenever their OR is: one compare on the common path.
    for (const k of streams) emit(op.get(row(k)), ...(k > 0 ? [op.or] : []));
    emit(op.const(emitFrom4), op.geS, op.if);
    for (const k of streams) {
      emit(op.get(row(k)), op.const(emitFrom4), op.geS, op.if);
      emit(op.get(out(k)), offset(k, g + 1), op.store(0), op.get(out(k)), op.get(row(k)), op.const(2), op.shrU, op.store(4), op.get(out(k)), op.const(8), op.add, op.set(out(k)));
      emit(op.end);
    }
    emit(op.end);
  }
  if (runBit4 !== 0) {
    // Only where a run's first two full groups end: one event per run.
    for (const k of streams) {
      emit(op.get(all(k)), op.get(full(k)), op.and, op.tee(NOW), op.get(pair(k)), op.const(-1), op.xor, op.and, op.if);
      emit(op.get(OUT_RUN), offset(k, GROUP), op.store(0), op.get(OUT_RUN), op.const(4), op.add, op.set(OUT_RUN));
      emit(op.end, op.get(NOW), op.set(pair(k)), op.get(all(k)), op.set(full(k)));
    }
  }
  emit(op.get(P), op.const(2 * GROUP), op.add, op.set(P), op.get(POS), op.const(GROUP), op.add, op.set(POS), op.br(0), op.end, op.end);

  for (const k of streams) emit(op.const(layout.regs), op.get(row(k)), op.store(regs(ROW(k))), op.const(layout.regs), op.get(full(k)), op.store(regs(FULL(k))), op.const(layout.regs), op.get(pair(k)), op.store(regs(PAIR(k))), op.const(layout.regs), op.get(out(k)), op.store(regs(AT(k))));
  emit(op.const(layout.regs), op.get(OUT_RUN), op.store(regs(RUN_AT)));
  return { name: `walk${count}`, params: 4, locals: NOW + 1 - 4, code };
}

/** Multiplies ints [0, n) of memory by 4 in place (the table's cells into byte addresses). */
function times4(): WasmFunction {
  const [N, I] = [0, 1];
  const code = [...op.block, ...op.loop, ...op.get(I), ...op.get(N), ...op.geU, ...op.brIf(1)];
  code.push(...op.get(I), ...op.const(2), ...op.shl, ...op.get(I), ...op.const(2), ...op.shl, ...op.load(), ...op.const(2), ...op.shl, ...op.store(0));
  code.push(...op.get(I), ...op.const(1), ...op.add, ...op.set(I), ...op.br(0), ...op.end, ...op.end);
  return { name: 'times4', params: 1, locals: 1, code };
}
