// Problems found while loading a policy, positioned for editors and for `file:line:col` output.

export interface PolicyProblem {
  /** The policy the problem is in (the reference it was loaded by, e.g. a path or `airlock:secrets`). */
  source: string;
  /** 1-based line and column (UTF-16 code units) of the start of the offending text. */
  line: number;
  column: number;
  /** 0-based character offset and length of the offending text, for editor ranges. */
  offset: number;
  length: number;
  message: string;
  severity: 'error' | 'warning';
}

/** Maps character offsets of one text to 1-based line/column, with one pass over the text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

export function problemAt(
  source: string,
  lines: LineIndex | undefined,
  offset: number,
  length: number,
  message: string,
  severity: PolicyProblem['severity'] = 'error',
): PolicyProblem {
  const { line, column } = lines ? lines.position(offset) : { line: 1, column: 1 };
  return { source, line, column, offset, length, message, severity };
}

/** `file:line:col: message`, the format of `airlock policy validate`. */
export function formatProblem(problem: PolicyProblem, displaySource = problem.source): string {
  const tag = problem.severity === 'warning' ? 'warning: ' : '';
  return `${displaySource}:${problem.line}:${problem.column}: ${tag}${problem.message}`;
}

export function hasErrors(problems: readonly PolicyProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
