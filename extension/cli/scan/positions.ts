// Offsets → 1-based line/column, as editors and SARIF count them: columns in UTF-16 code
// units (what JavaScript string offsets are), lines split at \n, \r\n and lone \r.

export interface Position {
  line: number;
  column: number;
}

/** Offsets at which each line of `text` starts; computed once per file. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) starts.push(i + 1);
    else if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The 1-based position of `offset` (clamped into the text) given the file's line starts. */
export function positionAt(starts: readonly number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  const target = Math.max(0, offset);
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= target) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: target - starts[low]! + 1 };
}
