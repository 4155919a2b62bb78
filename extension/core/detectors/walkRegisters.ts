// What the keyword walks (keywordAutomaton.ts's in JavaScript, wasmWalk.ts's in WebAssembly) share:
// the group of the run test and the layout of their scalars, so either walk can go on from where
// the other stopped.

/** Chars per group of the run test; runs must be at least 3 * GROUP - 1 long (keywordAutomaton.ts). */
export const GROUP = 8;

/** The most streams a walk runs in lockstep (the WebAssembly walk's four). */
export const MAX_STREAMS = 4;

/**
 * The walks' scalars: per stream k the row reached, whether its last group was full of run chars
 * and whether its last two were (runBit or 0), and the write position in its pairs; then the
 * write position in the run events.
 */
export const ROW = (k: number) => k;
export const FULL = (k: number) => MAX_STREAMS + k;
export const PAIR = (k: number) => 2 * MAX_STREAMS + k;
export const AT = (k: number) => 3 * MAX_STREAMS + k;
export const RUN_AT = 4 * MAX_STREAMS;
export const REGS = RUN_AT + 1;
/** The first two streams' scalars, by name (the JavaScript walks'). */
export const A_ROW = ROW(0);
export const B_ROW = ROW(1);
export const A_FULL = FULL(0);
export const B_FULL = FULL(1);
export const A_PAIR = PAIR(0);
export const B_PAIR = PAIR(1);
export const A_AT = AT(0);
export const B_AT = AT(1);
